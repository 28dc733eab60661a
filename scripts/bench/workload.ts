/**
 * What the benchmark's users say and how their updates look.
 *
 * Messages are short questions like people ask a chat model, each carrying a tag unique to its
 * chat and turn ("Question 2 from chat 5000017:") so the model request it caused can be found in
 * the stand-in's log. Update JSON comes from the local Telegram itself (`getUpdates`), so what the
 * Worker parses is exactly what Telegram would send.
 */
import type { LocalTelegram, StoredMessage } from "../local-telegram/server";
import { callBotApi } from "../stack/bot-api";
import type { BotApiTarget } from "../stack/bot-api";
import { defaultAnswer } from "../../gpu-backend/stand-in/canned-answer";
import type { ChatRequest } from "../../gpu-backend/stand-in/server";

const TOPICS = [
  "reverse a list in Python",
  "explain what a Durable Object is",
  "write a haiku about autumn rain",
  "compare TCP and QUIC in two sentences",
  "plan a three-day trip to Lisbon",
  "fix a 'module not found' error in Node",
  "summarize the causes of the French Revolution",
  "convert 72 Fahrenheit to Celsius",
];

const LANGUAGES = ["en", "en", "en", "de", "fr", "es", "ru", "zh"];

/** The tag that ties a message to its model request. */
export function messageTag(chatId: number, turn: number): string {
  return `Question ${turn + 1} from chat ${chatId}:`;
}

/** A user's message for `turn` (0-based) of `chatId`. */
export function benchText(chatId: number, turn: number): string {
  return `${messageTag(chatId, turn)} how do I ${TOPICS[(chatId + turn) % TOPICS.length] ?? TOPICS[0]}?`;
}

/** A simulated user's profile; languages vary because residency and texts depend on them. */
export function benchUser(chatId: number): { first_name: string; language_code: string } {
  return { first_name: `User ${chatId % 100_000}`, language_code: LANGUAGES[chatId % LANGUAGES.length] ?? "en" };
}

/** The stand-in's answer in the bench: its usual Markdown (bold, a code block) cut to `tokens` pieces. */
export function benchAnswer(tokens: number): (req: ChatRequest) => string {
  return (req) => defaultAnswer({ ...req, max_tokens: tokens * 2, max_completion_tokens: undefined });
}

/**
 * Has each chat's user write once and returns the resulting update bodies, as JSON text, in
 * order. The webhook is removed meanwhile so the updates wait for `getUpdates`, which hands them
 * over and confirms them; the caller posts them itself and sets the webhook again afterwards.
 */
export async function makeUpdates(telegram: LocalTelegram, target: BotApiTarget, chatIds: readonly number[]): Promise<string[]> {
  await callBotApi(target, "deleteWebhook", { drop_pending_updates: false });
  for (const chatId of chatIds) await telegram.sendUserMessage({ chatId, from: benchUser(chatId), text: benchText(chatId, 0) });
  const bodies: string[] = [];
  let offset = 0;
  while (bodies.length < chatIds.length) {
    const batch = await callBotApi(target, "getUpdates", { offset, limit: 100, timeout: 0 });
    if (!Array.isArray(batch) || batch.length === 0) throw new Error(`getUpdates returned ${bodies.length} of ${chatIds.length} updates`);
    for (const update of batch as { update_id: number }[]) {
      bodies.push(JSON.stringify(update));
      offset = update.update_id + 1;
    }
  }
  await callBotApi(target, "getUpdates", { offset, limit: 1, timeout: 0 });
  return bodies;
}

/** The update Telegram delivered for a private-chat message, rebuilt to deliver it once more. */
export function redeliveryOf(updateId: number, message: StoredMessage): Record<string, unknown> {
  const chat: Record<string, unknown> = { id: message.chatId, type: "private", first_name: message.from.first_name };
  if (message.from.username !== undefined) chat.username = message.from.username;
  return {
    update_id: updateId,
    message: { message_id: message.messageId, from: message.from, chat, date: message.date, text: message.text },
  };
}

/** A small seeded generator (mulberry32), so two runs with one seed send the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
