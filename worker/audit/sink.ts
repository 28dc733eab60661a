/**
 * Writes audit events to their AuditLog shards, and finds a shard for reading.
 *
 * EU events go only to objects addressed through the EU jurisdiction (the same switch as the
 * chat objects, worker/chat-directory.ts): `env.AUDIT_LOG.jurisdiction("eu")` when
 * CHAT_JURISDICTION is "eu". workerd has no jurisdictions, so local runs and tests use "none" and
 * a test proves the addressing with a recording namespace. Global events use the plain
 * namespace: Cloudflare places those objects near their first caller (western Europe here).
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { fullJitterDelay } from "../lib/backoff";
import type { AuditEvent, AuditRegion } from "./event";
import { AuditInputError, MAX_AUDIT_BATCH } from "./event";
import { auditObjectName, dayStart, shardOf } from "./shards";

/** Where the trail hands finished events. */
export interface AuditSink {
  write(events: readonly AuditEvent[]): Promise<void>;
  /** Drops the message text of a chat's events on the given days (both regions). */
  redactChat?(chatId: number, dayStarts: readonly number[]): Promise<void>;
}

type AuditEnv = Pick<Env, "AUDIT_LOG">;
type AuditSettings = Pick<Config, "chatJurisdiction"> & { audit: Pick<Config["audit"], "shards"> };

/** The namespace a region's shards live in: EU events only ever in the EU jurisdiction. */
export function auditNamespace(env: AuditEnv, config: Pick<Config, "chatJurisdiction">, region: AuditRegion) {
  return region === "eu" && config.chatJurisdiction === "eu" ? env.AUDIT_LOG.jurisdiction("eu") : env.AUDIT_LOG;
}

/** The stub of one shard. */
export function auditShard(
  env: AuditEnv,
  config: Pick<Config, "chatJurisdiction">,
  region: AuditRegion,
  dayStartMs: number,
  shard: number,
) {
  const namespace = auditNamespace(env, config, region);
  return namespace.get(namespace.idFromName(auditObjectName(region, dayStartMs, shard)));
}

/** Groups events by shard: one append per shard and batch. */
export function groupByShard(events: readonly AuditEvent[], shards: number): Map<string, AuditEvent[]> {
  const groups = new Map<string, AuditEvent[]>();
  for (const event of events) {
    const key = `${event.region}|${dayStart(event.ts)}|${shardOf(event, shards)}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return groups;
}

const ATTEMPTS = 3;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The production sink: AuditLog Durable Objects. Appends are idempotent, so retries are safe. */
export class DurableAuditSink implements AuditSink {
  constructor(
    private readonly env: AuditEnv,
    private readonly config: AuditSettings,
    private readonly random: () => number = Math.random,
  ) {}

  async write(events: readonly AuditEvent[]): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const [key, group] of groupByShard(events, this.config.audit.shards)) {
      const [region, day, shard] = key.split("|") as [AuditRegion, string, string];
      const stub = auditShard(this.env, this.config, region, Number(day), Number(shard));
      for (let i = 0; i < group.length; i += MAX_AUDIT_BATCH) {
        const batch = group.slice(i, i + MAX_AUDIT_BATCH);
        writes.push(this.withRetry(async () => {
          const result = await stub.append({ events: batch });
          if (result.status === "rejected") throw new AuditInputError(result.reason);
        }));
      }
    }
    await Promise.all(writes);
  }

  async redactChat(chatId: number, dayStarts: readonly number[]): Promise<void> {
    const shard = shardOf({ chatId, id: "" }, this.config.audit.shards);
    const calls: Promise<unknown>[] = [];
    for (const region of ["eu", "global"] as const) {
      for (const day of dayStarts) {
        const stub = auditShard(this.env, this.config, region, day, shard);
        calls.push(this.withRetry(async () => {
          const result = await stub.redactChat(chatId);
          if (result.status === "rejected") throw new AuditInputError(result.reason);
        }));
      }
    }
    await Promise.all(calls);
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (error instanceof AuditInputError || attempt + 1 >= ATTEMPTS) throw error;
        await sleep(fullJitterDelay(attempt, { baseMs: 100, capMs: 1000 }, this.random));
      }
    }
  }
}
