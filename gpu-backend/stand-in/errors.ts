/**
 * Named errors of the stand-in server's lifecycle (request-level failures are HTTP answers, not
 * exceptions). The CLI turns them into one line for the operator.
 */

/** The port is already taken by another process. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`port ${port} on ${host} is already in use`, options);
  }
}

/** Listening failed for another reason (permission, bad address). */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`could not listen on ${host}:${port}`, options);
  }
}
