/**
 * Rate limits as pure functions over small serializable states, so the ChatSession Durable
 * Object can keep them in SQLite and tests need no clock.
 *
 * Two limits live here:
 * - a per-chat token bucket for incoming messages (how often one chat may start a generation),
 *   which tells the user exactly once per window to slow down: never silence, never a flood;
 * - a budget for Telegram's own limit of 20 messages a minute in a group, which the streaming
 *   code consults before spending a message on an intermediate edit, so room is always left for
 *   the final messages.
 */

/** A chat's bucket. Plain numbers only: it round-trips through JSON and SQLite unchanged. */
export interface RateLimitState {
  /** Tokens available at `updatedAtMs`; fractional while refilling. */
  tokens: number;
  updatedAtMs: number;
  /** End of the window for which the "slow down" notice was already sent. */
  noticeSentForWindowEndingMs?: number;
}

export interface RateLimitPolicy {
  /** Bucket size: how many messages may arrive back to back. At least 1. */
  burst: number;
  /** One token comes back every this many milliseconds. */
  refillEveryMs: number;
}

const TOKEN_EPSILON = 1e-9;

/** Three messages back to back, then one every four seconds. */
export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = { burst: 3, refillEveryMs: 4000 };

export type TakeTokenResult =
  | { outcome: "allowed"; state: RateLimitState }
  | {
      outcome: "limited";
      state: RateLimitState;
      /** When the next message would be allowed, counted from now. */
      retryAfterMs: number;
      /** True only for the first limited message of this window: send one notice, then stay quiet. */
      notify: boolean;
    };

/**
 * Takes one token for an incoming message.
 *
 * A missing state is a full bucket. Time running backwards (clock skew) refills nothing. A
 * limited message consumes nothing, so the window's end (the moment a token is back) stays the
 * same for every message that arrives inside it; that end is what the notice is keyed on.
 */
export function takeToken(
  state: RateLimitState | undefined,
  nowMs: number,
  policy: RateLimitPolicy = DEFAULT_RATE_LIMIT_POLICY,
): TakeTokenResult {
  const burst = Math.max(1, policy.burst);
  const previous = state ?? { tokens: burst, updatedAtMs: nowMs };
  const elapsed = Math.max(0, nowMs - previous.updatedAtMs);
  const tokens = Math.min(burst, previous.tokens + elapsed / policy.refillEveryMs);
  const updatedAtMs = Math.max(previous.updatedAtMs, nowMs);

  // Refill is fractional; the epsilon keeps float rounding (0.025 + 0.975) from turning
  // "a token is back exactly now" into "limited, retry in 1 ms".
  if (tokens >= 1 - TOKEN_EPSILON) {
    return { outcome: "allowed", state: { tokens: Math.max(0, tokens - 1), updatedAtMs } };
  }

  const retryAfterMs = Math.ceil((1 - tokens) * policy.refillEveryMs);
  const windowEndMs = updatedAtMs + retryAfterMs;
  const noticeSent = previous.noticeSentForWindowEndingMs;
  const notify = noticeSent === undefined || noticeSent <= nowMs;
  return {
    outcome: "limited",
    state: {
      tokens,
      updatedAtMs,
      noticeSentForWindowEndingMs: notify ? windowEndMs : noticeSent,
    },
    retryAfterMs,
    notify,
  };
}

/** Recent sends to one group chat, oldest first. Serializable. */
export interface SendBudgetState {
  sentAtMs: readonly number[];
}

export interface SendBudgetPolicy {
  /** Messages allowed per window: Telegram allows 20 a minute in a group. */
  max: number;
  windowMs: number;
  /**
   * Slots this caller must leave free. An intermediate edit passes, say, 2 so the final
   * messages always fit; the final message itself passes 0.
   */
  reserve: number;
}

/** Telegram's group limit with nothing reserved; spread it and set `reserve` per call. */
export const TELEGRAM_GROUP_BUDGET: SendBudgetPolicy = { max: 20, windowMs: 60_000, reserve: 0 };

/** The sends still inside the window ending at `nowMs`, oldest first. */
function inWindow(state: SendBudgetState, nowMs: number, windowMs: number): number[] {
  return state.sentAtMs.filter((t) => nowMs - t < windowMs).sort((a, b) => a - b);
}

/** Whether one more message may be sent now while keeping `reserve` slots free. */
export function canSend(state: SendBudgetState, nowMs: number, policy: SendBudgetPolicy): boolean {
  return inWindow(state, nowMs, policy.windowMs).length + policy.reserve < policy.max;
}

/** Records a send at `nowMs`, dropping timestamps that have left the window. */
export function recordSend(
  state: SendBudgetState,
  nowMs: number,
  policy: Pick<SendBudgetPolicy, "windowMs">,
): SendBudgetState {
  return { sentAtMs: [...inWindow(state, nowMs, policy.windowMs), nowMs] };
}

/**
 * The earliest time (>= `nowMs`) at which `canSend` becomes true, assuming no other sends.
 * `Infinity` when `reserve` leaves no slot at all.
 */
export function nextSlotMs(state: SendBudgetState, nowMs: number, policy: SendBudgetPolicy): number {
  const allowedInWindow = policy.max - policy.reserve - 1;
  if (allowedInWindow < 0) return Number.POSITIVE_INFINITY;
  const recent = inWindow(state, nowMs, policy.windowMs);
  const mustExpire = recent.length - allowedInWindow;
  if (mustExpire <= 0) return nowMs;
  // The mustExpire oldest sends have to leave the window; the last of them decides.
  const decisive = recent[mustExpire - 1] ?? nowMs;
  return decisive + policy.windowMs;
}

/** The group-budget functions under one name, for call sites that read better that way. */
export const TelegramSendBudget = {
  empty: (): SendBudgetState => ({ sentAtMs: [] }),
  canSend,
  recordSend,
  nextSlotMs,
} as const;
