/**
 * SQLite storage of one audit shard (inside an AuditLog Durable Object).
 *
 * Tables:
 * - `events`: one row per event, keyed by its id (a retried write is a no-op); indexed by
 *   (ts, id) for time-ordered paging and by (chat_id, ts, id) for a chat's events.
 * - `meta`: the shard's expiry (when its alarm deletes everything).
 *
 * The whole database is wiped by `deleteAll()` at expiry, so `ensureSchema` runs again on the
 * next write instead of once per object lifetime.
 */
import type { AuditCursor, AuditEvent } from "../worker/audit/event";
import { AuditEventSchema } from "../worker/audit/event";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS events (
     id TEXT PRIMARY KEY, ts INTEGER NOT NULL, chat_id INTEGER, body TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS events_time ON events (ts, id)`,
  `CREATE INDEX IF NOT EXISTS events_chat ON events (chat_id, ts, id)`,
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

export interface PageQuery {
  fromMs: number;
  toMs: number;
  chatId?: number | undefined;
  after?: AuditCursor | undefined;
  limit: number;
}

export class AuditLogStore {
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  ensureSchema(): void {
    if (this.ready) return;
    for (const statement of SCHEMA) this.sql.exec(statement);
    this.ready = true;
  }

  /** Call after `deleteAll()`: the tables are gone. */
  forgetSchema(): void {
    this.ready = false;
  }

  /** Inserts events; returns how many were new. */
  insert(events: readonly AuditEvent[]): number {
    this.ensureSchema();
    let stored = 0;
    for (const event of events) {
      // RETURNING yields a row only when the insert happened (rowsWritten also counts indexes).
      stored += this.sql.exec(
        `INSERT OR IGNORE INTO events (id, ts, chat_id, body) VALUES (?, ?, ?, ?) RETURNING 1`,
        event.id, event.ts, event.chatId ?? null, JSON.stringify(event),
      ).toArray().length;
    }
    return stored;
  }

  /** Events in [fromMs, toMs), after the cursor, oldest first, at most `limit`. */
  page(query: PageQuery): AuditEvent[] {
    this.ensureSchema();
    const after = query.after ?? { ts: -1, id: "" };
    const chatClause = query.chatId === undefined ? "" : "AND chat_id = ?";
    const params: (number | string)[] = [query.fromMs, query.toMs, after.ts, after.ts, after.id];
    if (query.chatId !== undefined) params.push(query.chatId);
    params.push(query.limit);
    const rows = this.sql
      .exec<{ body: string }>(
        `SELECT body FROM events
         WHERE ts >= ? AND ts < ? AND (ts > ? OR (ts = ? AND id > ?)) ${chatClause}
         ORDER BY ts, id LIMIT ?`,
        ...params,
      )
      .toArray();
    // Rows were validated on the way in; parse again so a corrupted row fails loudly, not silently.
    return rows.map((row) => AuditEventSchema.parse(JSON.parse(row.body)));
  }

  /** Removes the message text of a chat's events (the user asked to be forgotten). */
  redactChat(chatId: number): number {
    this.ensureSchema();
    return this.sql.exec(
      `UPDATE events SET body = json_remove(body, '$.text')
       WHERE chat_id = ? AND json_extract(body, '$.text') IS NOT NULL RETURNING 1`,
      chatId,
    ).toArray().length;
  }

  count(): number {
    this.ensureSchema();
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events`).toArray()[0]?.n ?? 0;
  }

  expiresAt(): number | undefined {
    this.ensureSchema();
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'expires_at'`).toArray()[0];
    return row ? Number(row.value) : undefined;
  }

  setExpiresAt(ms: number): void {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO meta (key, value) VALUES ('expires_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      String(ms),
    );
  }
}
