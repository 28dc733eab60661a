/**
 * Where an audit event lives: one SQLite Durable Object `AuditLog` per (region, UTC day, shard),
 * named like `audit:eu:2026-11-25:3`. Pure functions, so the addressing is tested without a
 * runtime.
 *
 * Why this shape: a Durable Object serves about 1,000 requests a second, so no single object may
 * take every write. Splitting by region keeps EU events in EU-jurisdiction objects; splitting by
 * day gives each object one expiry moment (day end + retention) that its own alarm enforces; and
 * N shards per region-day multiply the write capacity by N. A chat's events of one day always
 * land in the same shard (hash of the chat id), so nothing about one chat is scattered; events
 * without a chat (admin actions, rejected webhooks) are spread by their random id.
 */
import type { AuditEvent, AuditRegion } from "./event";

export const DAY_MS = 86_400_000;

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Milliseconds at 00:00 UTC of the day containing `ts`. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/**
 * When a shard holding events of `ts`'s day expires: the day's end plus the retention. Every
 * event is therefore kept at least `retentionDays` and at most one day longer.
 */
export function shardExpiry(ts: number, retentionDays: number): number {
  return dayStart(ts) + DAY_MS + retentionDays * DAY_MS;
}

/** The start of every UTC day that overlaps [fromMs, toMs), oldest first. */
export function daysBetween(fromMs: number, toMs: number): number[] {
  const days: number[] = [];
  if (fromMs >= toMs) return days;
  for (let d = dayStart(fromMs); d < toMs; d += DAY_MS) days.push(d);
  return days;
}

/** FNV-1a (32 bit) of a string: stable across isolates and releases, unlike Math.random. */
export function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard of an event: by chat id when there is one, else by the event's own id. */
export function shardOf(event: Pick<AuditEvent, "chatId" | "id">, shards: number): number {
  const key = event.chatId === undefined ? `id:${event.id}` : `chat:${event.chatId}`;
  return fnv1a(key) % shards;
}

/** `audit:eu:2026-11-25:3`. */
export function auditObjectName(region: AuditRegion, dayStartMs: number, shard: number): string {
  return `audit:${region}:${utcDay(dayStartMs)}:${shard}`;
}
