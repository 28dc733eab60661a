/**
 * Lets tests inside workerd drive the Node stand-ins started by the global setup.
 *
 * workerd cannot call into Node, so each stand-in object is exposed over loopback HTTP:
 * `POST /rpc/<target>/<method>` with `{ "args": [...] }` calls `target[method](...args)` and
 * answers `{ "result": ... }` (or 500 `{ "error": ... }`). Test-only; never part of the product.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";

export type Targets = Record<string, object>;

export async function startControlServer(targets: Targets): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const match = /^\/rpc\/([\w-]+)\/(\w+)$/.exec(req.url ?? "");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          if (!match || req.method !== "POST") throw new Error(`no such control route: ${req.method} ${req.url}`);
          const [, targetName = "", method = ""] = match;
          const target = targets[targetName] as Record<string, unknown> | undefined;
          const fn = target?.[method];
          if (typeof fn !== "function") throw new Error(`no method ${targetName}.${method}`);
          const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { args?: unknown[] }) : {};
          const result: unknown = await (fn as (...a: unknown[]) => unknown).apply(target, body.args ?? []);
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result: result ?? null }));
        } catch (error) {
          res.writeHead(500, { "content-type": "application/json" })
            .end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("control server has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
