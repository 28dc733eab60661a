/**
 * Entry of the health sidecar (see sidecar.ts): `node main.ts` on Node 22.18+, no build step.
 *
 * VLLM_URL          vLLM on the private network (default http://vllm:8000)
 * PORT              where to listen (default 8081)
 * HOST              bind address (default 0.0.0.0: reachable by cloudflared on the compose network)
 * VLLM_TIMEOUT_MS   per request to vLLM (default 2000)
 */
import { startHealthSidecar } from "./sidecar.ts";

const port = Number(process.env.PORT ?? "8081");
const timeoutMs = Number(process.env.VLLM_TIMEOUT_MS ?? "2000");
const sidecar = await startHealthSidecar({
  vllmUrl: process.env.VLLM_URL ?? "http://vllm:8000",
  port,
  host: process.env.HOST ?? "0.0.0.0",
  timeoutMs,
});
console.log(`health sidecar: ${sidecar.url}/health → ${process.env.VLLM_URL ?? "http://vllm:8000"}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void sidecar.close().then(() => process.exit(0));
  });
}
