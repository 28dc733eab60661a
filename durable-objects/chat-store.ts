/**
 * SQLite storage of one chat (inside its ChatSession Durable Object).
 *
 * Tables:
 * - `inbox`: one row per Telegram update_id. The primary key makes a redelivered update a no-op;
 *   `status` drives the work queue (pending → running → done | failed) in update_id order.
 * - `turns`: the conversation, per forum topic (`thread_id` 0 outside topics).
 * - `answers`: a finished answer, stored before it is delivered, so a crash during delivery
 *   resumes delivery instead of asking the model again.
 * - `deliveries`: which parts of which answer already reached Telegram (message ids), so a retry
 *   never sends a part twice.
 * - `meta`: small per-chat settings and state as JSON (residency, language, rate-limit bucket...).
 *
 * Migrations are re-runnable: each step is guarded by the stored schema version.
 */
import type { Inbound } from "../worker/telegram/update";

export type InboxStatus = "pending" | "running" | "done" | "failed";

export interface InboxRow {
  updateId: number;
  inbound: Inbound;
  status: InboxStatus;
  attempts: number;
  /** Set at receive time for text that exceeded the chat's rate limit. */
  limited: { retryAfterMs: number; notify: boolean } | null;
}

export interface Turn {
  role: "user" | "assistant";
  content: string;
  updateId: number;
  createdAt: number;
}

const MIGRATIONS: string[][] = [
  [
    `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS inbox (
       update_id INTEGER PRIMARY KEY, payload TEXT NOT NULL, status TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0, limited TEXT, received_at INTEGER NOT NULL,
       finished_at INTEGER, outcome TEXT)`,
    `CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status, update_id)`,
    `CREATE TABLE IF NOT EXISTS turns (
       id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER NOT NULL, role TEXT NOT NULL,
       content TEXT NOT NULL, update_id INTEGER NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS turns_thread ON turns (thread_id, id)`,
    `CREATE TABLE IF NOT EXISTS answers (
       update_id INTEGER PRIMARY KEY, thread_id INTEGER NOT NULL, text TEXT NOT NULL,
       stopped INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE IF NOT EXISTS deliveries (
       update_id INTEGER NOT NULL, part INTEGER NOT NULL, message_id INTEGER NOT NULL,
       PRIMARY KEY (update_id, part))`,
  ],
];

/** Finished inbox rows are kept this long for dedupe (Telegram keeps updates 24 hours). */
export const INBOX_RETENTION_MS = 48 * 3600_000;

export class ChatStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const current = this.getMeta<number>("schema_version") ?? 0;
    for (let v = current; v < MIGRATIONS.length; v++) {
      for (const statement of MIGRATIONS[v] ?? []) this.sql.exec(statement);
      this.setMeta("schema_version", v + 1);
    }
  }

  getMeta<T>(key: string): T | undefined {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.sql.exec(
      `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      key,
      JSON.stringify(value),
    );
  }

  deleteMeta(key: string): void {
    this.sql.exec(`DELETE FROM meta WHERE key = ?`, key);
  }

  /** Inserts the update; false when this update_id was seen before (a redelivery). */
  addToInbox(inbound: Inbound, nowMs: number, limited: InboxRow["limited"] = null): boolean {
    const cursor = this.sql.exec(
      `INSERT OR IGNORE INTO inbox (update_id, payload, status, limited, received_at) VALUES (?, ?, 'pending', ?, ?)`,
      inbound.updateId,
      JSON.stringify(inbound),
      limited ? JSON.stringify(limited) : null,
      nowMs,
    );
    return cursor.rowsWritten > 0;
  }

  hasUpdate(updateId: number): boolean {
    return this.sql.exec(`SELECT 1 FROM inbox WHERE update_id = ?`, updateId).toArray().length > 0;
  }

  /** The oldest unfinished row: a `running` one left by a crash comes first, in update order. */
  nextInbox(): InboxRow | undefined {
    const row = this.sql
      .exec<{ update_id: number; payload: string; status: InboxStatus; attempts: number; limited: string | null }>(
        `SELECT update_id, payload, status, attempts, limited FROM inbox
         WHERE status IN ('pending', 'running') ORDER BY update_id LIMIT 1`,
      )
      .toArray()[0];
    if (!row) return undefined;
    return {
      updateId: row.update_id,
      inbound: JSON.parse(row.payload) as Inbound,
      status: row.status,
      attempts: row.attempts,
      limited: row.limited ? (JSON.parse(row.limited) as InboxRow["limited"]) : null,
    };
  }

  pendingCount(): number {
    const row = this.sql
      .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')`)
      .toArray()[0];
    return row?.n ?? 0;
  }

  markRunning(updateId: number): void {
    this.sql.exec(`UPDATE inbox SET status = 'running', attempts = attempts + 1 WHERE update_id = ?`, updateId);
  }

  finishInbox(updateId: number, status: "done" | "failed", outcome: string, nowMs: number): void {
    this.sql.exec(
      `UPDATE inbox SET status = ?, outcome = ?, finished_at = ? WHERE update_id = ?`,
      status, outcome, nowMs, updateId,
    );
  }

  /** Forgets finished rows older than the dedupe window. */
  pruneInbox(nowMs: number): void {
    this.sql.exec(
      `DELETE FROM inbox WHERE status IN ('done', 'failed') AND finished_at < ?`,
      nowMs - INBOX_RETENTION_MS,
    );
  }

  turns(threadId: number): Turn[] {
    return this.sql
      .exec<{ role: "user" | "assistant"; content: string; update_id: number; created_at: number }>(
        `SELECT role, content, update_id, created_at FROM turns WHERE thread_id = ? ORDER BY id`, threadId,
      )
      .toArray()
      .map((r) => ({ role: r.role, content: r.content, updateId: r.update_id, createdAt: r.created_at }));
  }

  allTurns(): (Turn & { threadId: number })[] {
    return this.sql
      .exec<{ thread_id: number; role: "user" | "assistant"; content: string; update_id: number; created_at: number }>(
        `SELECT thread_id, role, content, update_id, created_at FROM turns ORDER BY id`,
      )
      .toArray()
      .map((r) => ({
        threadId: r.thread_id, role: r.role, content: r.content, updateId: r.update_id, createdAt: r.created_at,
      }));
  }

  /** Stores a finished exchange and its answer text in one transaction. */
  saveExchange(
    threadId: number,
    updateId: number,
    user: string,
    answer: string,
    stopped: boolean,
    nowMs: number,
    storage: DurableObjectStorage,
  ): void {
    storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO turns (thread_id, role, content, update_id, created_at) VALUES (?, 'user', ?, ?, ?)`,
        threadId, user, updateId, nowMs,
      );
      if (answer.length > 0) {
        this.sql.exec(
          `INSERT INTO turns (thread_id, role, content, update_id, created_at) VALUES (?, 'assistant', ?, ?, ?)`,
          threadId, answer, updateId, nowMs,
        );
      }
      this.sql.exec(
        `INSERT OR REPLACE INTO answers (update_id, thread_id, text, stopped) VALUES (?, ?, ?, ?)`,
        updateId, threadId, answer, stopped ? 1 : 0,
      );
    });
  }

  answer(updateId: number): { text: string; stopped: boolean } | undefined {
    const row = this.sql
      .exec<{ text: string; stopped: number }>(`SELECT text, stopped FROM answers WHERE update_id = ?`, updateId)
      .toArray()[0];
    return row ? { text: row.text, stopped: row.stopped === 1 } : undefined;
  }

  /** Removes the newest exchange of a thread (for /retry) and returns its user text. */
  popLastExchange(threadId: number): string | undefined {
    const last = this.sql
      .exec<{ update_id: number }>(
        `SELECT update_id FROM turns WHERE thread_id = ? AND role = 'user' ORDER BY id DESC LIMIT 1`, threadId,
      )
      .toArray()[0];
    if (!last) return undefined;
    const user = this.sql
      .exec<{ content: string }>(
        `SELECT content FROM turns WHERE thread_id = ? AND update_id = ? AND role = 'user'`, threadId, last.update_id,
      )
      .toArray()[0];
    this.sql.exec(`DELETE FROM turns WHERE thread_id = ? AND update_id = ?`, threadId, last.update_id);
    return user?.content;
  }

  clearThread(threadId: number): number {
    return this.sql.exec(`DELETE FROM turns WHERE thread_id = ?`, threadId).rowsWritten;
  }

  /** Erases the conversation and settings of the whole chat (every topic). */
  eraseChat(): void {
    this.sql.exec(`DELETE FROM turns`);
    this.sql.exec(`DELETE FROM answers`);
    this.sql.exec(`DELETE FROM deliveries`);
    this.sql.exec(`DELETE FROM meta WHERE key NOT IN ('schema_version')`);
  }

  deliveryPart(updateId: number, part: number): number | undefined {
    return this.sql
      .exec<{ message_id: number }>(
        `SELECT message_id FROM deliveries WHERE update_id = ? AND part = ?`, updateId, part,
      )
      .toArray()[0]?.message_id;
  }

  recordDelivery(updateId: number, part: number, messageId: number): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO deliveries (update_id, part, message_id) VALUES (?, ?, ?)`, updateId, part, messageId,
    );
  }
}

/** Placeholder messages are stored as part -1 of their update's deliveries. */
export const PLACEHOLDER_PART = -1;
