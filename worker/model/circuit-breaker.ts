/**
 * A circuit breaker per origin, as a pure state machine over plain data.
 *
 * Why: an origin that is down makes every answer wait for a connect error or the first-token
 * timeout (30 s) before failover. After `failureThreshold` failures in a row the breaker opens and
 * routing skips the origin at once; after `cooldownMs` it turns half-open and lets a trial request
 * through: success closes it, failure opens it for another cool-down.
 *
 * What counts: a success is an origin that produced its first token; a failure is a transient
 * error before the first token (connect error, 5xx, 429/503, first-token timeout). A stream that
 * dies mid-answer started fine, and a 400 is our request's fault, so neither moves the breaker.
 *
 * The state is plain JSON so the OriginMonitor can keep it, send it over RPC and persist it, and
 * every ChatSession can fold its own outcomes into its cached copy with the same functions.
 * Pure: the current time is an argument.
 */

/** How the breaker behaves. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses requests before it lets a trial through. */
  cooldownMs: number;
}

/** The stored state. `open` past its cool-down reads as half-open (see {@link breakerPhase}). */
export interface BreakerState {
  state: "closed" | "open" | "half-open";
  /** Consecutive failures so far. */
  failures: number;
  /** When the breaker last opened (epoch ms). */
  openedAt?: number;
  /** When a half-open breaker let its trial request through. */
  trialAt?: number;
}

/** What routing sees: whether an origin may be asked now. */
export type BreakerPhase = "closed" | "open" | "half-open";

/** A new, closed breaker. */
export function closedBreaker(): BreakerState {
  return { state: "closed", failures: 0 };
}

/** The phase at `now`: an open breaker whose cool-down has passed is half-open. */
export function breakerPhase(b: BreakerState, now: number, opts: BreakerOptions): BreakerPhase {
  if (b.state !== "open") return b.state;
  return now - (b.openedAt ?? 0) >= opts.cooldownMs ? "half-open" : "open";
}

/**
 * Whether a request may go to the origin at `now`. Closed: yes. Open: no. Half-open: yes when no
 * trial is under way, or when the last trial is older than a cool-down (its outcome was lost).
 */
export function breakerAllows(b: BreakerState, now: number, opts: BreakerOptions): boolean {
  const phase = breakerPhase(b, now, opts);
  if (phase === "closed") return true;
  if (phase === "open") return false;
  return b.trialAt === undefined || now - b.trialAt >= opts.cooldownMs;
}

/** Records that a request was sent; in half-open this is the trial. Returns the new state. */
export function breakerAttempt(b: BreakerState, now: number, opts: BreakerOptions): BreakerState {
  if (breakerPhase(b, now, opts) !== "half-open") return b;
  return { state: "half-open", failures: b.failures, openedAt: b.openedAt, trialAt: now };
}

/** The origin produced a first token: the breaker closes. */
export function breakerSuccess(_b: BreakerState): BreakerState {
  return closedBreaker();
}

/**
 * A failure before the first token. Closed: counts, and opens at the threshold. Half-open: opens
 * again for a full cool-down. Open (a late report of a request sent before it opened): counts,
 * without extending the cool-down.
 */
export function breakerFailure(b: BreakerState, now: number, opts: BreakerOptions): BreakerState {
  const failures = b.failures + 1;
  const phase = breakerPhase(b, now, opts);
  if (phase === "closed") {
    return failures < opts.failureThreshold ? { state: "closed", failures } : { state: "open", failures, openedAt: now };
  }
  if (phase === "open") return { ...b, failures };
  return { state: "open", failures, openedAt: now };
}
