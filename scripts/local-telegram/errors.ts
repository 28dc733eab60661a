/**
 * Named errors of the local Telegram stand-in.
 *
 * `BotApiError` is an expected outcome of a Bot API call rendered as Telegram's error JSON; the
 * others are failures of the simulation itself (a test asked for something impossible) or of
 * starting the server.
 */

/** A Telegram-shaped error answer: `{"ok":false,"error_code":...,"description":...}`. */
export class BotApiError extends Error {
  override readonly name = "BotApiError";
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
    options?: { cause?: unknown },
  ) {
    super(description, options);
  }

  /** The JSON body Telegram would answer. */
  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

/** `400 Bad Request: <reason>`. */
export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}

/** `429 Too Many Requests: retry after N` with `parameters.retry_after`. */
export function tooManyRequests(retryAfterS: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfterS}`, { retry_after: retryAfterS });
}

/** A simulated user did something a Telegram client could not (unknown message, no such button). */
export class SimulationError extends Error {
  override readonly name = "SimulationError";
}

/** The port asked for is taken by another process. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} is already in use`, options);
  }
}

/** `waitFor` gave up. */
export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
}
