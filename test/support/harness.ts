/**
 * Helpers for tests that run inside workerd: drive the local Telegram and the stand-in origins
 * through the control server, and deliver updates to the Worker exactly as Telegram would.
 */
import { env, exports } from "cloudflare:workers";
import { TEST_BOT } from "./test-bot";
import { originMonitor } from "../../durable-objects/origin-monitor-address";
import type { Env } from "../../worker/env";

const bindings = env as unknown as { CONTROL_URL: string; TELEGRAM_API_ROOT: string };

/** Calls `target.method(...args)` on a Node stand-in object. */
export async function control<T = unknown>(target: string, method: string, ...args: unknown[]): Promise<T> {
  const response = await fetch(`${bindings.CONTROL_URL}/rpc/${target}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    // JSON has no undefined: drop trailing ones so optional parameters stay absent.
    body: JSON.stringify({ args: trimTrailingUndefined(args) }),
  });
  const body = (await response.json()) as { result?: T; error?: string };
  if (!response.ok) throw new Error(`control ${target}.${method}: ${body.error}`);
  return body.result as T;
}

function trimTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

/** POSTs a body to the Worker's webhook with the right secret (or the one given). */
export function webhook(body: unknown, secret: string | null = TEST_BOT.webhookSecret): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return (exports as unknown as { default: Fetcher }).default.fetch(
    new Request("https://bot.example/telegram/webhook", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** Reads the update the local Telegram queued for `updateId`, with getUpdates like a real bot. */
export async function fetchUpdate(updateId: number): Promise<Record<string, unknown>> {
  const response = await fetch(`${bindings.TELEGRAM_API_ROOT}/bot${TEST_BOT.token}/getUpdates`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offset: updateId, limit: 1, timeout: 0 }),
  });
  const body = (await response.json()) as { ok: boolean; result: Record<string, unknown>[] };
  const update = body.result.find((u) => u.update_id === updateId);
  if (!update) throw new Error(`update ${updateId} not found in getUpdates`);
  return update;
}

export interface UserMessage {
  chatId: number;
  text: string;
  chatType?: "private" | "group" | "supergroup";
  forumTopicId?: number;
  languageCode?: string;
  replyToMessageId?: number;
  userId?: number;
}

/** A user writes; Telegram delivers the update to our webhook. Returns the update and its answer. */
export async function userSays(message: UserMessage) {
  const sent = await control<{ updateId: number; messageId: number }>("telegram", "sendUserMessage", {
    chatId: message.chatId,
    chatType: message.chatType ?? "private",
    forumTopicId: message.forumTopicId,
    text: message.text,
    replyToMessageId: message.replyToMessageId,
    from: {
      id: message.userId ?? (message.chatType && message.chatType !== "private" ? 4242 : message.chatId),
      first_name: "Test",
      language_code: message.languageCode ?? "en",
    },
  });
  const update = await fetchUpdate(sent.updateId);
  const response = await webhook(update);
  return { ...sent, update, response };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface BotMessage {
  messageId: number;
  fromBot: boolean;
  text: string;
  entities: { type: string; offset: number; length: number; language?: string }[];
  edits: number;
  threadId?: number;
  replyToMessageId?: number;
  inlineKeyboard?: { text: string; callback_data?: string }[][];
}

export async function botMessages(chatId: number, threadId?: number): Promise<BotMessage[]> {
  const all = await control<BotMessage[]>("telegram", "chatMessages", chatId, threadId);
  return all.filter((m) => m.fromBot);
}

/** Waits until the bot has sent `count` messages in the chat (and no more within a short grace). */
export async function waitForBotMessages(chatId: number, count: number, threadId?: number): Promise<BotMessage[]> {
  const messages = await eventually(async () => {
    const m = await botMessages(chatId, threadId);
    return m.length >= count ? m : undefined;
  });
  return messages;
}

let nextChat = 100_000 + Math.floor(Math.random() * 1_000_000);
/** A fresh private chat id per test, so tests never share a Durable Object. */
export function newChatId(): number {
  return ++nextChat;
}
export function newGroupId(): number {
  return -(++nextChat) - 1_000_000_000_000;
}

/** A chat completion request as the stand-in origin recorded it (body is null when it was not JSON). */
export interface ModelRequest {
  body: null | { model: string; max_tokens?: number; reasoning_effort?: string; messages: { role: string; content: string }[] };
  outcome: string;
  clientAborted: boolean;
}

export type OriginTarget = "modelEu" | "modelUs";
/** A request whose body was JSON. */
export type ParsedModelRequest = ModelRequest & { body: NonNullable<ModelRequest["body"]> };
const parsed = (r: ModelRequest): r is ParsedModelRequest => r.body !== null && Array.isArray(r.body.messages);

/** The requests an origin received whose last message contains `marker`. */
export async function requestsMentioning(target: OriginTarget, marker: string): Promise<ParsedModelRequest[]> {
  return (await control<ModelRequest[]>(target, "requests"))
    .filter(parsed)
    .filter((r) => r.body.messages.at(-1)?.content.includes(marker));
}

/** The requests an origin received that contain `marker` anywhere in the conversation. */
export async function requestsContaining(target: OriginTarget, marker: string): Promise<ParsedModelRequest[]> {
  return (await control<ModelRequest[]>(target, "requests"))
    .filter(parsed)
    .filter((r) => JSON.stringify(r.body.messages).includes(marker));
}

/**
 * Puts the shared stand-in origins and the origin monitor back to normal: no faults, no pinned
 * load, default answers, breakers closed. Files that inject origin faults call it after each test
 * so one file's failures never open a breaker for the next.
 */
export async function calmOrigins(): Promise<void> {
  for (const target of ["modelEu", "modelUs"] as const) {
    await control(target, "setFault", null);
    // null (not undefined, which JSON drops) unpins the KV-cache figure.
    await control(target, "setLoad", { kvCacheUsage: null, waiting: 0, healthy: true });
  }
  await control("euAnswers", "set", null);
  await control("usAnswers", "set", null);
  await originMonitor(env as unknown as Env, { chatJurisdiction: "none" }).reset();
}
