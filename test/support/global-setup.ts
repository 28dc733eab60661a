import { createServer } from "node:http";
import type { TestProject } from "vitest/node";
export default async function setup(project: TestProject) {
  const server = createServer((req, res) => { res.end("hello from node " + req.url); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no port");
  project.provide("probeUrl", `http://127.0.0.1:${addr.port}/x`);
  return () => new Promise<void>((r) => server.close(() => r()));
}
