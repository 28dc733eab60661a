/**
 * AuditLog: one SQLite Durable Object per (region, UTC day, shard), e.g. `audit:eu:2026-11-25:3`
 * (see worker/audit/shards.ts for why this shape).
 *
 * Retention is enforced by the storage itself: the first write sets an alarm at the shard's
 * expiry (day end + AUDIT_RETENTION_DAYS), and the alarm deletes every row with
 * `ctx.storage.deleteAll()`. Nobody has to remember to run a purge job. Alarms are at-least-once
 * and retried, and an alarm that runs early (a retry, a test) re-arms itself instead of deleting.
 *
 * RPC (inputs validated with zod, since any Worker code can call a stub; a malformed input is
 * answered `{ status: "rejected" }`, a caller bug the caller raises as AuditInputError):
 * - `append({ events })`: stores events (idempotent by event id);
 * - `page({ fromMs, toMs, chatId?, after?, limit })`: time-ordered page plus the next cursor;
 * - `redactChat(chatId)`: drops the message text of a chat's events (for /forget);
 * - `stats()`: event count and expiry, for tests and operators.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { Env } from "../worker/env";
import { loadConfig } from "../worker/config";
import type { AuditCursor, AuditEvent } from "../worker/audit/event";
import { AuditEventSchema, MAX_AUDIT_BATCH } from "../worker/audit/event";
import { shardExpiry } from "../worker/audit/shards";
import { AuditLogStore } from "./audit-log-store";

const AppendSchema = z.object({ events: z.array(AuditEventSchema).min(1).max(MAX_AUDIT_BATCH) });

const PageSchema = z.object({
  fromMs: z.number().int().min(0),
  toMs: z.number().int().min(0),
  chatId: z.number().int().optional(),
  after: z.object({ ts: z.number().int(), id: z.string().max(64) }).optional(),
  limit: z.number().int().min(1).max(MAX_AUDIT_BATCH),
});

export interface AuditPage {
  status: "ok";
  events: AuditEvent[];
  /** Where the next page starts; null when this page was the last. */
  next: AuditCursor | null;
}

export type Rejected = { status: "rejected"; reason: string };

const rejected = (error: z.ZodError): Rejected => ({ status: "rejected", reason: error.issues[0]?.message ?? "invalid" });

export class AuditLog extends DurableObject<Env> {
  private readonly store: AuditLogStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new AuditLogStore(ctx.storage.sql);
  }

  async append(input: unknown): Promise<{ status: "ok"; stored: number } | Rejected> {
    const parsed = AppendSchema.safeParse(input);
    if (!parsed.success) return rejected(parsed.error);
    const retentionDays = loadConfig(this.env).audit.retentionDays;
    const stored = this.ctx.storage.transactionSync(() => this.store.insert(parsed.data.events));
    // Every event of a shard has the same day, so its expiry is one moment; `max` only guards
    // against a writer whose clock is off by a day.
    const latest = Math.max(...parsed.data.events.map((e) => e.ts));
    const previous = this.store.expiresAt();
    const expiresAt = Math.max(previous ?? 0, shardExpiry(latest, retentionDays));
    if (previous !== expiresAt) this.store.setExpiresAt(expiresAt);
    if ((await this.ctx.storage.getAlarm()) !== expiresAt) await this.ctx.storage.setAlarm(expiresAt);
    return { status: "ok", stored };
  }

  async page(input: unknown): Promise<AuditPage | Rejected> {
    const parsed = PageSchema.safeParse(input);
    if (!parsed.success) return rejected(parsed.error);
    const events = this.store.page(parsed.data);
    const last = events.at(-1);
    const next = events.length === parsed.data.limit && last ? { ts: last.ts, id: last.id } : null;
    return { status: "ok", events, next };
  }

  async redactChat(chatId: unknown): Promise<{ status: "ok"; redacted: number } | Rejected> {
    const parsed = z.number().int().safeParse(chatId);
    if (!parsed.success) return rejected(parsed.error);
    return { status: "ok", redacted: this.store.redactChat(parsed.data) };
  }

  async stats(): Promise<{ events: number; expiresAt: number | null; alarmAt: number | null }> {
    return {
      events: this.store.count(),
      expiresAt: this.store.expiresAt() ?? null,
      alarmAt: await this.ctx.storage.getAlarm(),
    };
  }

  /** Deletes the whole shard once it expired; re-arms if it runs early. */
  override async alarm(): Promise<void> {
    const expiresAt = this.store.expiresAt();
    if (expiresAt !== undefined && Date.now() < expiresAt) {
      await this.ctx.storage.setAlarm(expiresAt);
      return;
    }
    await this.ctx.storage.deleteAll();
    await this.ctx.storage.deleteAlarm();
    this.store.forgetSchema();
  }
}
