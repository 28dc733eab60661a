/**
 * The health sidecar: answers the tunnel's `/health` with vLLM's health AND its load, as JSON.
 *
 * Why it exists: the tunnel publishes only /v1/chat/completions, /v1/models and /health, and
 * vLLM's /metrics must never be reachable from the Internet (it would tell anyone how loaded the
 * host is and which models it serves). Yet the Worker's OriginMonitor needs the load to route
 * and degrade (docs/routing.md). So cloudflared routes /health here; the sidecar reads vLLM's
 * /health and /metrics on the host's private network and answers
 *
 *   200 {"status":"ok","kv_cache_usage":0.42,"num_requests_waiting":3,"num_requests_running":12}
 *   503 {"status":"unhealthy","reason":"vllm-health-503"}
 *
 * Load fields are null when /metrics could not be read (vLLM healthy, load unknown). Nothing but
 * `GET /health` is served. Runs on plain Node 22.18+ (type stripping): node:http, fetch, no
 * dependencies, so the compose service needs no image build.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";

/** The load numbers the sidecar reports. */
export interface VllmLoad {
  kvCacheUsage: number | null;
  waiting: number | null;
  running: number | null;
}

/** The JSON body of /health. */
export interface HealthBody {
  status: "ok" | "unhealthy";
  kv_cache_usage: number | null;
  num_requests_waiting: number | null;
  num_requests_running: number | null;
  reason?: string;
}

/** KV-cache use; vLLM before 0.10 called it `gpu_cache_usage_perc`. */
const KV_CACHE_NAMES = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"];
const WAITING = "vllm:num_requests_waiting";
const RUNNING = "vllm:num_requests_running";

/**
 * Values of every sample of the named metric in Prometheus text format (one per label set:
 * vLLM labels by model_name and engine).
 */
export function sampleValues(text: string, name: string): number[] {
  const values: number[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== "{" && rest[0] !== " ") continue; // a longer name with the same prefix
    const afterLabels = rest[0] === "{" ? rest.slice(rest.lastIndexOf("}") + 1) : rest;
    const value = Number(afterLabels.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) values.push(value);
  }
  return values;
}

/**
 * The load from vLLM's /metrics text: the highest KV-cache use of any engine (the first to run
 * out is the one that matters), and waiting and running requests summed over engines.
 */
export function loadFromMetrics(text: string): VllmLoad {
  const kvSamples = KV_CACHE_NAMES.map((n) => sampleValues(text, n)).find((v) => v.length > 0) ?? [];
  const waiting = sampleValues(text, WAITING);
  const running = sampleValues(text, RUNNING);
  const sum = (v: number[]) => (v.length === 0 ? null : Math.round(v.reduce((a, b) => a + b, 0)));
  return {
    kvCacheUsage: kvSamples.length === 0 ? null : Math.min(1, Math.max(0, ...kvSamples)),
    waiting: sum(waiting),
    running: sum(running),
  };
}

export interface SidecarOptions {
  /** vLLM's base URL on the private network, e.g. http://vllm:8000. */
  vllmUrl: string;
  /** Per request to vLLM; default 2000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

async function getText(url: string, options: SidecarOptions): Promise<{ status: number; text: string }> {
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
  return { status: response.status, text: await response.text() };
}

/** Asks vLLM and builds the answer: HTTP status and body. Never throws. */
export async function checkVllm(options: SidecarOptions): Promise<{ status: 200 | 503; body: HealthBody }> {
  const base = options.vllmUrl.replace(/\/+$/, "");
  const unknown = { kv_cache_usage: null, num_requests_waiting: null, num_requests_running: null };
  const [health, metrics] = await Promise.allSettled([getText(`${base}/health`, options), getText(`${base}/metrics`, options)]);
  if (health.status === "rejected") return { status: 503, body: { status: "unhealthy", ...unknown, reason: "vllm-unreachable" } };
  const load = metrics.status === "fulfilled" && metrics.value.status === 200 ? loadFromMetrics(metrics.value.text) : null;
  const numbers = load === null ? unknown : {
    kv_cache_usage: load.kvCacheUsage,
    num_requests_waiting: load.waiting,
    num_requests_running: load.running,
  };
  if (health.value.status !== 200) {
    return { status: 503, body: { status: "unhealthy", ...numbers, reason: `vllm-health-${health.value.status}` } };
  }
  return { status: 200, body: { status: "ok", ...numbers } };
}

/** Starts the sidecar's HTTP server. Resolves with its URL once listening. */
export async function startHealthSidecar(
  options: SidecarOptions & { port?: number; host?: string },
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://sidecar").pathname;
    if (path !== "/health" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"Not Found"}');
      return;
    }
    void checkVllm(options).then(({ status, body }) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("health sidecar has no port");
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
