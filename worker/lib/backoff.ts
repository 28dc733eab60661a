/**
 * Retry delays: AWS "full jitter" exponential backoff, and `Retry-After` parsing.
 *
 * Full jitter (a uniformly random wait between 0 and the exponential ceiling) spreads retries of
 * many clients that failed together, so they do not hit a recovering origin in lockstep.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * Pure: randomness and the current time are arguments.
 */

/** Shape of an exponential backoff. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (attempt 0). */
  baseMs: number;
  /** No delay ever exceeds this. */
  capMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry):
 * `random() * min(capMs, baseMs * 2^attempt)`, rounded down to whole milliseconds.
 *
 * @param random returns a number in [0, 1), like `Math.random`; values outside are clamped.
 */
export function fullJitterDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2 ** exponent becomes Infinity for huge attempts; min() keeps the ceiling at capMs.
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * Math.max(0, ceiling));
}

/**
 * Converts a `Retry-After` value into milliseconds.
 *
 * Accepts a number of seconds (Telegram's `parameters.retry_after`) or the header's text, which
 * is either delta-seconds (`"120"`) or an HTTP date; a date needs `nowMs` to become a delay.
 * Returns undefined for anything missing, negative or unparseable, so callers fall back to
 * their own backoff. A date in the past gives 0.
 */
export function retryAfterMs(
  seconds: number | string | null | undefined,
  nowMs?: number,
): number | undefined {
  if (seconds === null || seconds === undefined) return undefined;
  if (typeof seconds === "number") {
    return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  }
  const text = seconds.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (nowMs === undefined) return undefined;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/**
 * The delay before the next attempt: the server's own hint when it gave one (never retry sooner
 * than asked), otherwise full jitter.
 */
export function nextRetryDelayMs(
  attempt: number,
  opts: BackoffOptions,
  random: () => number,
  hintMs?: number,
): number {
  const jitter = fullJitterDelay(attempt, opts, random);
  return hintMs === undefined ? jitter : Math.max(hintMs, jitter);
}
