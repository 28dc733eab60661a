/**
 * The one place that decides which failures are worth retrying.
 *
 * Callers (the origin router, the Telegram client, the alarm loop) ask these predicates instead
 * of inspecting status codes themselves, so "is a 429 transient?" has exactly one answer.
 * Permanent failures (a bad request, a revoked token, a blocked bot) are never retried: retrying
 * them only burns quota and delays the user's error message.
 */

import {
  FirstTokenTimeoutError,
  OriginConnectError,
  OriginHttpError,
  StreamDroppedError,
  StreamStalledError,
  TelegramApiError,
} from "./errors";

/** HTTP statuses below 500 that still mean "try again later". */
const TRANSIENT_CLIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429]);

function isTransientStatus(status: number): boolean {
  return status >= 500 || TRANSIENT_CLIENT_STATUSES.has(status);
}

/**
 * True when a model call failed in a way another attempt (on this or another origin) may fix:
 * connect failures, 5xx (503 included), 408/425/429, first-token timeouts, stalls and drops.
 * False for 4xx such as 400/401/404 (our request or credentials are wrong), for our own aborts
 * and for anything that is not an origin failure.
 */
export function isTransientOriginError(e: unknown): boolean {
  if (e instanceof OriginHttpError) return isTransientStatus(e.status);
  return (
    e instanceof OriginConnectError ||
    e instanceof FirstTokenTimeoutError ||
    e instanceof StreamStalledError ||
    e instanceof StreamDroppedError
  );
}

/** Names of errors that mean "no answer came back": grammY's network error, timeouts. */
const NETWORK_ERROR_NAMES: ReadonlySet<string> = new Set(["HttpError", "TimeoutError"]);

/**
 * True when a Bot API call may succeed if repeated: 429 (flood control), 5xx, and network
 * failures: a `TelegramApiError` with `errorCode` 0 (no response), grammY's `HttpError`, a
 * `TypeError` from `fetch`, a `TimeoutError`.
 * False for 400 (bad request, e.g. "message is not modified") and 403 (bot blocked or kicked).
 */
export function isTransientTelegramError(e: unknown): boolean {
  if (e instanceof TelegramApiError) {
    return e.errorCode === 0 || isTransientStatus(e.errorCode);
  }
  if (e instanceof TypeError) return true;
  return e instanceof Error && NETWORK_ERROR_NAMES.has(e.name);
}

/** The wait the other side asked for, in milliseconds, when the error carries one. */
export function retryHintMs(e: unknown): number | undefined {
  if (e instanceof OriginHttpError) return e.retryAfterMs;
  if (e instanceof TelegramApiError && e.retryAfterSeconds !== undefined) {
    return e.retryAfterSeconds * 1000;
  }
  return undefined;
}
