/**
 * Rate limits of the local Telegram stand-in, answered with real 429 bodies.
 *
 * Telegram publishes only rough numbers (Bot FAQ, "My bot is hitting limits, how do I avoid
 * this?", https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * avoid more than one message per second in a single chat, no more than 20 messages per minute
 * in a group, and about 30 messages per second overall for bulk notifications. The defaults below
 * model exactly that, with the shapes a real server shows in practice:
 *
 * | limit          | counts                                | default                        |
 * | -------------- | ------------------------------------- | ------------------------------ |
 * | `perBot`       | sendMessage in every chat             | token bucket, burst 30, 30/s   |
 * | `privateChat`  | sendMessage in one private chat       | token bucket, burst 5, 1/s     |
 * | `privateEdits` | editMessageText in one private chat   | token bucket, burst 5, 1/s     |
 * | `groupChat`    | sendMessage + editMessageText, group  | 20 per rolling 60 s            |
 * | `drafts`       | sendMessageDraft in one private chat  | token bucket, burst 10, 5/s    |
 *
 * "About 1 message/s" allows short bursts (a reply split in three parts goes out at once), hence
 * a bucket rather than a strict 1 s spacing. Groups get a rolling window because the FAQ states
 * a per-minute count. Drafts exist for streaming, so their bucket is wider; they do not count
 * against `perBot`, which is about messages that reach users' chat lists. Calls refused with 429
 * consume nothing. The pure functions take `now` so tests need no clocks.
 */

/** A token bucket: `burst` tokens at most, refilled at `perSecond`. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

/** At most `max` events within any `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface Limits {
  perBot: BucketLimit;
  privateChat: BucketLimit;
  privateEdits: BucketLimit;
  groupChat: WindowLimit;
  drafts: BucketLimit;
}

export const DEFAULT_LIMITS: Limits = {
  perBot: { burst: 30, perSecond: 30 },
  privateChat: { burst: 5, perSecond: 1 },
  privateEdits: { burst: 5, perSecond: 1 },
  groupChat: { max: 20, windowMs: 60_000 },
  drafts: { burst: 10, perSecond: 5 },
};

export interface BucketState {
  tokens: number;
  atMs: number;
}

/** The bucket's state at `nowMs` (full when never used). */
export function refill(limit: BucketLimit, state: BucketState | undefined, nowMs: number): BucketState {
  if (state === undefined) return { tokens: limit.burst, atMs: nowMs };
  const tokens = Math.min(limit.burst, state.tokens + ((nowMs - state.atMs) / 1000) * limit.perSecond);
  return { tokens, atMs: nowMs };
}

/** Milliseconds until the bucket holds one token; 0 when it holds one now. */
export function bucketWaitMs(limit: BucketLimit, state: BucketState | undefined, nowMs: number): number {
  const current = refill(limit, state, nowMs);
  if (current.tokens >= 1) return 0;
  if (limit.perSecond <= 0) return Number.POSITIVE_INFINITY;
  return ((1 - current.tokens) / limit.perSecond) * 1000;
}

/** The bucket after taking one token at `nowMs` (call only when `bucketWaitMs` is 0). */
export function bucketTake(limit: BucketLimit, state: BucketState | undefined, nowMs: number): BucketState {
  const current = refill(limit, state, nowMs);
  return { tokens: current.tokens - 1, atMs: nowMs };
}

/** Milliseconds until one more event fits the window; 0 when it fits now. */
export function windowWaitMs(limit: WindowLimit, stampsMs: readonly number[], nowMs: number): number {
  const recent = stampsMs.filter((t) => t > nowMs - limit.windowMs);
  if (recent.length < limit.max) return 0;
  const oldestThatMustExpire = recent[recent.length - limit.max];
  return oldestThatMustExpire === undefined ? 0 : oldestThatMustExpire + limit.windowMs - nowMs;
}

/** Telegram's `retry_after`: whole seconds, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Fills the gaps of a partial configuration from the defaults. */
export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...partial };
}
