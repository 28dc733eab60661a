/**
 * What an answer needs besides the chat itself, built once per isolate from the Worker's
 * bindings: the OriginMonitor client (cached snapshot, reports), the optional Workers AI runner
 * and the optional Analytics Engine dataset.
 *
 * One client per isolate (not per chat) means the chats of an isolate share one snapshot and one
 * view of the breakers. The bindings come from `cloudflare:workers`' `env`, the same object every
 * Durable Object of this Worker is given; the two optional ones exist only where wrangler.toml
 * declares them (staging and production).
 */
import { env } from "cloudflare:workers";
import type { Config } from "../worker/config";
import type { Env } from "../worker/env";
import { logError } from "../worker/lib/log";
import { WORKERS_AI_MODEL } from "../worker/model/workers-ai-fallback";
import type { WorkersAiRunner } from "../worker/model/workers-ai-fallback";
import { originMonitor } from "./origin-monitor-address";
import { OriginMonitorClient } from "./origin-monitor-client";
import type { MonitorRpc } from "./origin-monitor-client";

export interface RoutingServices {
  monitor: OriginMonitorClient;
  workersAi: WorkersAiRunner | undefined;
  analytics: AnalyticsEngineDataset | undefined;
}

const cache = new WeakMap<Config, RoutingServices>();

/** The services for this isolate's configuration (created on first use). */
export function routingServices(config: Config): RoutingServices {
  const cached = cache.get(config);
  if (cached) return cached;
  const bindings = env as unknown as Env;
  const ai = bindings.AI;
  const services: RoutingServices = {
    monitor: new OriginMonitorClient(
      (): MonitorRpc => originMonitor(bindings, config),
      {
        origins: config.origins,
        snapshotTtlMs: config.routing.snapshotTtlMs,
        probeIntervalMs: config.routing.probeIntervalMs,
        breaker: config.routing.breaker,
      },
      (event, error) => logError({ event, error }),
    ),
    workersAi: ai === undefined ? undefined : (input, signal) => ai.run(WORKERS_AI_MODEL, input, { signal }),
    analytics: bindings.ANALYTICS,
  };
  cache.set(config, services);
  return services;
}
