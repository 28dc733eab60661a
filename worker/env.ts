/**
 * The Worker's bindings. Settings (vars and secrets) are read through `loadConfig`, never from
 * here directly, so every one of them is validated before use.
 */
import type { ChatSession } from "../durable-objects/chat-session";
import type { AuditLog } from "../durable-objects/audit-log";

export interface Env {
  CHAT_SESSION: DurableObjectNamespace<ChatSession>;
  /** Audit shards, one per (region, UTC day, shard): see worker/audit/shards.ts. */
  AUDIT_LOG: DurableObjectNamespace<AuditLog>;
}
