/**
 * Wires the export to the AuditLog shards: one PageSource per shard of a day, each reading its
 * shard page by page through the `page` RPC. Kept apart from the route so a test can count the
 * page reads of a real export (the proof that the export streams instead of buffering).
 */
import type { Config } from "../config";
import type { Env } from "../env";
import type { AuditCursor } from "../audit/event";
import { AuditInputError } from "../audit/event";
import type { ExportQuery } from "../audit/export-query";
import type { ExportPlan } from "../audit/export-stream";
import type { PageSource } from "../audit/merge";
import { auditShard } from "../audit/sink";

/** Events per page read from a shard. */
export const EXPORT_PAGE_SIZE = 500;

type Settings = Pick<Config, "chatJurisdiction"> & { audit: Pick<Config["audit"], "shards"> };

/** The shards of one day of the query's region, as page sources. */
export function shardSources(
  env: Pick<Env, "AUDIT_LOG">,
  config: Settings,
  query: Pick<ExportQuery, "region" | "fromMs" | "toMs" | "chatId">,
  dayStartMs: number,
  pageSize = EXPORT_PAGE_SIZE,
): PageSource[] {
  const sources: PageSource[] = [];
  // A chat's events are in one shard per day, but which one depends on AUDIT_SHARDS at write
  // time; reading every shard (each through its chat index) stays right if that was raised.
  for (let shard = 0; shard < config.audit.shards; shard++) {
    const stub = auditShard(env, config, query.region, dayStartMs, shard);
    sources.push({
      read: async (after: AuditCursor | undefined) => {
        const page = await stub.page({ fromMs: query.fromMs, toMs: query.toMs, chatId: query.chatId, after, limit: pageSize });
        if (page.status === "rejected") throw new AuditInputError(page.reason);
        return { events: page.events, next: page.next };
      },
    });
  }
  return sources;
}

/** The plan of an export over the given days. */
export function exportPlan(
  env: Pick<Env, "AUDIT_LOG">,
  config: Settings,
  query: ExportQuery,
  days: readonly number[],
  pageSize = EXPORT_PAGE_SIZE,
): ExportPlan {
  return { days, after: query.after, sourcesFor: (day) => shardSources(env, config, query, day, pageSize) };
}
