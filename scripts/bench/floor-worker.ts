/**
 * The floor of the webhook benchmark: a trivial Worker doing only what any durable webhook must
 * (check the secret header, parse the JSON, hand the update to the chat's Durable Object, which
 * writes one SQLite row keyed by update_id, then answer 200). The bot's acknowledgement latency
 * is reported beside this one, measured in the same run on the same runtime, so the comparison
 * shows what the bot's own code adds rather than what the machine costs.
 *
 * Runs only under `wrangler dev --config scripts/bench/floor.wrangler.toml` (started by the bench).
 */
import { DurableObject } from "cloudflare:workers";

interface FloorEnv {
  FLOOR_INBOX: DurableObjectNamespace<FloorInbox>;
  FLOOR_SECRET: string;
}

/** One object per chat, one row per update: the same shape as the bot's inbox, nothing more. */
export class FloorInbox extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS inbox (update_id INTEGER PRIMARY KEY, payload TEXT NOT NULL, received_at INTEGER NOT NULL)");
  }

  /** Stores the update once; false for a redelivery. */
  receive(updateId: number, payload: string): boolean {
    const cursor = this.ctx.storage.sql.exec("INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)", updateId, payload, Date.now());
    return cursor.rowsWritten > 0;
  }
}

function chatIdOf(update: unknown): number | undefined {
  if (typeof update !== "object" || update === null || !("message" in update)) return undefined;
  const message = update.message;
  if (typeof message !== "object" || message === null || !("chat" in message)) return undefined;
  const chat = message.chat;
  return typeof chat === "object" && chat !== null && "id" in chat && typeof chat.id === "number" ? chat.id : undefined;
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/health") return Response.json({ ok: true });
    if (request.method !== "POST" || url.pathname !== "/telegram/webhook") return new Response("not found", { status: 404 });
    if (request.headers.get("x-telegram-bot-api-secret-token") !== env.FLOOR_SECRET) return new Response("unauthorized", { status: 401 });
    const raw = await request.text();
    let update: unknown;
    try {
      update = JSON.parse(raw);
    } catch {
      return new Response("not JSON", { status: 400 });
    }
    const chatId = chatIdOf(update);
    const updateId = typeof update === "object" && update !== null && "update_id" in update ? update.update_id : undefined;
    if (chatId === undefined || typeof updateId !== "number") return new Response("not a message update", { status: 400 });
    const stored = await env.FLOOR_INBOX.get(env.FLOOR_INBOX.idFromName(String(chatId))).receive(updateId, raw);
    return Response.json({ ok: true, status: stored ? "accepted" : "duplicate" });
  },
} satisfies ExportedHandler<FloorEnv>;
