/**
 * The Worker's bindings. Settings (vars and secrets) are read through `loadConfig`, never from
 * here directly, so every one of them is validated before use.
 */
import type { ChatSession } from "../durable-objects/chat-session";
import type { AuditLog } from "../durable-objects/audit-log";
import type { OriginMonitor } from "../durable-objects/origin-monitor";

export interface Env {
  CHAT_SESSION: DurableObjectNamespace<ChatSession>;
  /** Audit shards, one per (region, UTC day, shard): see worker/audit/shards.ts. */
  AUDIT_LOG: DurableObjectNamespace<AuditLog>;
  /** The one OriginMonitor: origin health, load and circuit breakers (docs/routing.md). */
  ORIGIN_MONITOR: DurableObjectNamespace<OriginMonitor>;
  /** Workers AI, for the optional non-EU fallback; bound in staging and production only. */
  AI?: Ai;
  /** Answer metrics (Workers Analytics Engine); bound in staging and production only. */
  ANALYTICS?: AnalyticsEngineDataset;
}
