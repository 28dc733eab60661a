/**
 * Ports of the local stack: a free one for tests and the bench, and a check of the fixed ones
 * before anything starts, so a taken port is reported by name in one line instead of surfacing
 * as a stack trace from whichever server happened to bind it first.
 */
import { createServer } from "node:net";

/** One port the stack needs, named for the person reading the error. */
export interface NamedPort {
  /** What listens there, e.g. "the Worker (wrangler dev)". */
  service: string;
  port: number;
  /** The environment variable that moves it, named in the error. */
  envName?: string;
}

/** A port the stack needs is taken by another process. */
export class PortTakenError extends Error {
  override readonly name = "PortTakenError";
  constructor(
    readonly service: string,
    readonly port: number,
    readonly envName?: string,
    options?: ErrorOptions,
  ) {
    super(`port ${port} (${service}) is already in use${envName === undefined ? "" : `; set ${envName} to another port`}`, options);
  }
}

/** Whether `port` on `host` can be bound now. */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("the OS gave no port"))));
    });
  });
}

/**
 * Checks every fixed port (0 means "any", and is skipped).
 * @throws PortTakenError naming the first port in use.
 */
export async function assertPortsFree(ports: readonly NamedPort[]): Promise<void> {
  for (const wanted of ports) {
    if (wanted.port === 0) continue;
    if (!(await isPortFree(wanted.port))) throw new PortTakenError(wanted.service, wanted.port, wanted.envName);
  }
}
