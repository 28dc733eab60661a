/**
 * The /mydata document: everything this chat's Durable Object stores about the chat, as one
 * JSON object a person can read. Built from the live tables (turns, settings, the dedupe inbox)
 * so nothing stored is left out; internal bookkeeping (schema version) is.
 */
import type { ChatContext } from "./chat-work";

export interface DataExport {
  format: "gpt-oss-telegram/mydata/v1";
  chatId: number;
  exportedAt: string;
  dataRegion: string;
  storage: string;
  retention: Record<string, string>;
  settings: Record<string, unknown>;
  conversation: { thread: number; role: string; text: string; time: string }[];
  recentMessages: { updateId: number; receivedAt: string; status: string; text?: string }[];
}

const INTERNAL_META = new Set(["schema_version", "pending_confirmation"]);

export function buildDataExport(
  ctx: Pick<ChatContext, "store" | "storage" | "config" | "residency">,
  chatId: number,
  nowMs: number,
): DataExport {
  const settings: Record<string, unknown> = {};
  for (const row of ctx.storage.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM meta ORDER BY key`)) {
    if (!INTERNAL_META.has(row.key)) settings[row.key] = JSON.parse(row.value) as unknown;
  }
  const recentMessages: DataExport["recentMessages"] = [];
  for (const row of ctx.storage.sql.exec<{ update_id: number; payload: string; status: string; received_at: number }>(
    `SELECT update_id, payload, status, received_at FROM inbox ORDER BY update_id`,
  )) {
    const payload = JSON.parse(row.payload) as { text?: unknown };
    recentMessages.push({
      updateId: row.update_id,
      receivedAt: new Date(row.received_at).toISOString(),
      status: row.status,
      ...(typeof payload.text === "string" ? { text: payload.text } : {}),
    });
  }
  const days = ctx.config.audit.retentionDays;
  return {
    format: "gpt-oss-telegram/mydata/v1",
    chatId,
    exportedAt: new Date(nowMs).toISOString(),
    dataRegion: ctx.residency(),
    storage: ctx.config.chatJurisdiction === "eu" ? "Cloudflare Durable Object in the EU jurisdiction" : "Cloudflare Durable Object",
    retention: {
      conversation: "until /reset or /forget",
      settings: "until /forget (the data region is kept so that forgetting never moves the chat out of the EU)",
      recentMessages: "2 days, to answer a message delivered twice only once",
      auditLog: `${days} days, then deleted automatically; ${ctx.config.audit.logText ? "includes" : "without"} message text; not part of this document`,
    },
    settings,
    conversation: ctx.store.allTurns().map((turn) => ({
      thread: turn.threadId,
      role: turn.role,
      text: turn.content,
      time: new Date(turn.createdAt).toISOString(),
    })),
    recentMessages,
  };
}
