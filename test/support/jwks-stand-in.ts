/**
 * A stand-in for Cloudflare Access's key endpoint (`/cdn-cgi/access/certs`) on loopback, so the
 * Worker's JWT check fetches real keys over HTTP in tests. The test generates its key pair with
 * jose and publishes the public half with `setKeys`. Test-only.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";

export interface JwksStandIn {
  /** What ACCESS_JWKS_URL points at. */
  url: string;
  setKeys(keys: unknown[]): void;
  /** How many times the keys were fetched. */
  fetches(): number;
  close(): Promise<void>;
}

export async function startJwksStandIn(): Promise<JwksStandIn> {
  let keys: unknown[] = [];
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/cdn-cgi/access/certs") {
      fetches += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("JWKS stand-in has no port");
  return {
    url: `http://127.0.0.1:${address.port}/cdn-cgi/access/certs`,
    setKeys: (next) => {
      keys = next;
    },
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
