/**
 * One health probe of one origin: `GET <origin>/health` through the tunnel, with the Access
 * service token, and the load the origin reports in the answer's JSON.
 *
 * The tunnel exposes only /v1/chat/completions, /v1/models and /health; vLLM's /metrics is not
 * reachable from the edge on purpose. So the GPU host answers /health with a small sidecar
 * (gpu-backend/health-sidecar/) that reads vLLM's /health and /metrics on the host's private
 * network and answers `{ "status": "ok", "kv_cache_usage": 0.42, "num_requests_waiting": 3,
 * "num_requests_running": 12 }`. A plain vLLM (empty 200) still works: healthy, load unknown.
 *
 * `redirect: "manual"`: a wrong Access token gets a redirect to a login page, which must count
 * as a failed probe, not as the login page's 200.
 */
import { z } from "zod";
import type { ProbeResult } from "./origin-monitor-state";

/** The sidecar's answer (and the stand-in's, when asked for JSON). Every field is optional. */
export const HealthBodySchema = z.object({
  status: z.string().optional(),
  kv_cache_usage: z.number().min(0).max(1).nullish(),
  num_requests_waiting: z.number().min(0).nullish(),
  num_requests_running: z.number().min(0).nullish(),
});

export interface ProbeArgs {
  /** The origin's base URL. */
  url: string;
  /** Access service token headers (never the vLLM API key: /health does not need it). */
  headers: Record<string, string>;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Reads the load out of a /health body; undefined fields when the body is empty or not ours. */
export function parseHealthBody(text: string): Pick<ProbeResult, "kvCacheUsage" | "waiting" | "running"> {
  if (text.trim() === "") return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = HealthBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const load: Pick<ProbeResult, "kvCacheUsage" | "waiting" | "running"> = {};
  if (typeof parsed.data.kv_cache_usage === "number") load.kvCacheUsage = parsed.data.kv_cache_usage;
  if (typeof parsed.data.num_requests_waiting === "number") load.waiting = Math.round(parsed.data.num_requests_waiting);
  if (typeof parsed.data.num_requests_running === "number") load.running = Math.round(parsed.data.num_requests_running);
  return load;
}

/** Probes one origin. Never throws: every failure is a result with `ok: false` and a reason. */
export async function probeOrigin(args: ProbeArgs): Promise<ProbeResult> {
  const now = args.now ?? Date.now;
  const startedAt = now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort("timeout"), args.timeoutMs);
  try {
    const response = await (args.fetch ?? fetch)(`${args.url.replace(/\/+$/, "")}/health`, {
      headers: { accept: "application/json", ...args.headers },
      redirect: "manual",
      signal: controller.signal,
    });
    const text = await response.text().catch(() => "");
    const load = parseHealthBody(text);
    const ok = response.status >= 200 && response.status < 300;
    return {
      at: startedAt,
      ok,
      status: response.status,
      ...(ok ? {} : { error: `http-${response.status}` }),
      latencyMs: now() - startedAt,
      ...load,
    };
  } catch {
    return { at: startedAt, ok: false, error: controller.signal.aborted ? "timeout" : "connect", latencyMs: now() - startedAt };
  } finally {
    clearTimeout(timer);
  }
}
