/**
 * The project's named failures: one class per kind of failure, each with `name`, `cause` and the
 * data a handler needs to decide what to do (retry, fail over, tell the user).
 *
 * Expected outcomes (a rate-limited message, an over-budget prompt) are values, not errors. These
 * classes are for things that went wrong. Code decides on them with `instanceof` and their
 * fields, never by matching `message`; the transient/permanent split lives in `./transient`.
 * Every constructor passes `{ cause }` (the standard `ErrorOptions`) through to `Error`, so cause
 * chains survive into logs.
 */

/** A setting (variable or secret) is missing or malformed. The message names the setting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    /** The setting's name, e.g. `TELEGRAM_BOT_TOKEN`. */
    readonly setting: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${setting}: ${message}`, options);
  }
}

/** The origin answered with a non-2xx status (or sent an error object inside the stream). */
export class OriginHttpError extends Error {
  override readonly name = "OriginHttpError";

  constructor(
    readonly status: number,
    readonly originId: string,
    /** From the `Retry-After` header, when the origin sent one. */
    readonly retryAfterMs?: number,
    /** The start of the response body (at most 500 characters), for logs. */
    readonly body?: string,
    options?: ErrorOptions,
  ) {
    super(`origin ${originId} answered HTTP ${status}`, options);
  }
}

/** The request never got a response: DNS, TCP, TLS, tunnel or Access failure. */
export class OriginConnectError extends Error {
  override readonly name = "OriginConnectError";

  constructor(
    readonly originId: string,
    cause: unknown,
  ) {
    super(`could not reach origin ${originId}`, { cause });
  }
}

/** Neither an answer nor a reasoning token arrived within the first-token timeout. */
export class FirstTokenTimeoutError extends Error {
  override readonly name = "FirstTokenTimeoutError";

  constructor(
    readonly originId: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`origin ${originId} sent no token within ${timeoutMs} ms`, options);
  }
}

/** The stream went silent for longer than the stall timeout after it had started. */
export class StreamStalledError extends Error {
  override readonly name = "StreamStalledError";

  constructor(
    readonly originId: string,
    readonly silentMs: number,
    options?: ErrorOptions,
  ) {
    super(`stream from origin ${originId} was silent for ${silentMs} ms`, options);
  }
}

/** The connection ended (cleanly or not) before `data: [DONE]`. */
export class StreamDroppedError extends Error {
  override readonly name = "StreamDroppedError";

  constructor(
    readonly originId: string,
    cause?: unknown,
  ) {
    super(`stream from origin ${originId} ended before [DONE]`, { cause });
  }
}

/** Why a generation was stopped on our side. */
export type AbortReason = "user-stop" | "superseded" | "shutdown";

const ABORT_REASONS: ReadonlySet<string> = new Set<AbortReason>(["user-stop", "superseded", "shutdown"]);

/** Narrows an unknown value (for example `AbortSignal.reason`) to an {@link AbortReason}. */
export function isAbortReason(value: unknown): value is AbortReason {
  return typeof value === "string" && ABORT_REASONS.has(value);
}

/** We stopped the generation ourselves: the user pressed stop, a newer message won, or shutdown. */
export class GenerationAbortedError extends Error {
  override readonly name = "GenerationAbortedError";

  constructor(
    readonly reason: AbortReason,
    options?: ErrorOptions,
  ) {
    super(`generation aborted: ${reason}`, options);
  }
}

/** No healthy origin may serve this chat's region (an EU chat never fails over outside the EU). */
export class NoOriginAvailableError extends Error {
  override readonly name = "NoOriginAvailableError";

  constructor(
    readonly region: string,
    options?: ErrorOptions,
  ) {
    super(`no origin available for region ${region}`, options);
  }
}

/** The Telegram Bot API answered `ok: false` (or a non-2xx status). */
export class TelegramApiError extends Error {
  override readonly name = "TelegramApiError";

  constructor(
    /** The Bot API method, e.g. `sendMessage`. */
    readonly method: string,
    /** Telegram's `error_code` (mirrors the HTTP status: 400, 403, 429, 5xx); 0 when no response came (network failure). */
    readonly errorCode: number,
    readonly description: string,
    /** `parameters.retry_after`, sent with 429. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(`Telegram ${method} failed: ${errorCode} ${description}`, options);
  }
}

/** Every failure `streamChatCompletion` can throw. */
export type ModelStreamError =
  | OriginHttpError
  | OriginConnectError
  | FirstTokenTimeoutError
  | StreamStalledError
  | StreamDroppedError
  | GenerationAbortedError;
