/**
 * Reads a chat's audit events straight from the AuditLog shards, the way the export route does,
 * for tests inside workerd.
 */
import { env } from "cloudflare:workers";
import { loadConfig } from "../../worker/config";
import type { Env } from "../../worker/env";
import type { AuditEvent, AuditRegion } from "../../worker/audit/event";
import { daysBetween } from "../../worker/audit/shards";
import { exportEvents } from "../../worker/audit/export-stream";
import { exportPlan } from "../../worker/admin/audit-export";

export async function readAudit(region: AuditRegion, since: number, chatId: number): Promise<AuditEvent[]> {
  const toMs = Date.now() + 1000;
  const query = { region, fromMs: since, toMs, chatId, format: "ndjson" as const };
  const out: AuditEvent[] = [];
  const plan = exportPlan(env as unknown as Env, loadConfig(env), query, daysBetween(since, toMs));
  for await (const e of exportEvents(plan)) out.push(e);
  return out;
}
