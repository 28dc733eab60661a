/**
 * GET /health: whether the configuration parses and the bindings exist, and how every GPU origin
 * is doing as the OriginMonitor sees it (healthy, breaker, KV cache, queue, age of the last probe).
 * Shows the shape of the configuration, never a secret. 500 names the bad setting.
 *
 * `?verbose=1` adds the monitor's ring of recent answers (region, origin, colo, timings, tokens,
 * outcome; no chat or update ids), which is how answer metrics are seen locally, where there is no
 * Analytics Engine. An unreachable monitor does not fail the endpoint: `origins` then says so.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app";
import { describeConfig, loadConfig } from "../config";
import type { Config } from "../config";
import type { Env } from "../env";
import { breakerPhase } from "../model/circuit-breaker";
import { underPressure } from "../model/degrade";
import { originMonitor } from "../../durable-objects/origin-monitor-address";
import { probeIsFresh } from "../../durable-objects/origin-monitor-state";
import type { MonitorOverview } from "../../durable-objects/origin-monitor";

/** One origin's line in /health. */
function describeOrigin(record: MonitorOverview["snapshot"]["origins"][number], snapshot: MonitorOverview["snapshot"], config: Config, now: number) {
  const probe = record.probe;
  const fresh = probeIsFresh(probe, now, snapshot.probeIntervalMs);
  return {
    id: record.id,
    region: record.region,
    healthy: fresh ? probe.ok : null,
    breaker: breakerPhase(record.breaker, now, config.routing.breaker),
    consecutiveFailures: record.breaker.failures,
    degraded: fresh && underPressure(probe, config.routing.degrade),
    kvCacheUsage: probe?.kvCacheUsage ?? null,
    requestsWaiting: probe?.waiting ?? null,
    requestsRunning: probe?.running ?? null,
    lastProbeAgeSeconds: probe === undefined ? null : Math.round((now - probe.at) / 1000),
    lastProbeError: probe?.error ?? null,
    ttftEwmaMs: record.ttftEwmaMs === undefined ? null : Math.round(record.ttftEwmaMs),
    successes: record.successes,
    failures: record.failures,
  };
}

async function originsView(env: Env, config: Config, verbose: boolean) {
  try {
    const overview = await originMonitor(env, config).overview();
    const now = Date.now();
    return {
      probing: overview.probing,
      origins: overview.snapshot.origins.map((r) => describeOrigin(r, overview.snapshot, config, now)),
      ...(verbose ? { recentAnswers: overview.recent } : {}),
    };
  } catch (error) {
    return { error: `origin monitor unreachable: ${error instanceof Error ? error.name : "unknown"}` };
  }
}

export const health = new Hono<AppEnv>().get("/", async (c) => {
  const config = loadConfig(c.env);
  const bindings = {
    CHAT_SESSION: typeof c.env.CHAT_SESSION?.idFromName === "function",
    ORIGIN_MONITOR: typeof c.env.ORIGIN_MONITOR?.idFromName === "function",
    AUDIT_LOG: typeof c.env.AUDIT_LOG?.idFromName === "function",
    AI: c.env.AI !== undefined,
    ANALYTICS: c.env.ANALYTICS !== undefined,
  };
  const ok = bindings.CHAT_SESSION && bindings.ORIGIN_MONITOR && bindings.AUDIT_LOG;
  const verbose = ["1", "true"].includes(c.req.query("verbose") ?? "");
  const monitor = bindings.ORIGIN_MONITOR ? await originsView(c.env, config, verbose) : { error: "ORIGIN_MONITOR is not bound" };
  return c.json({ ok, colo: c.req.raw.cf?.colo, config: describeConfig(config), bindings, monitor }, ok ? 200 : 500);
});
