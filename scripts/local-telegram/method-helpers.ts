/**
 * Checks several Bot API methods share: which chat, which thread, and what text (with parse_mode
 * or entities), each failing with Telegram's own 400 text.
 */
import type { ChatRecord } from "./chat-store";
import type { Core } from "./core";
import { findEntityError } from "./entities";
import { badRequest } from "./errors";
import type { Params } from "./params";
import { parseHtml } from "./parse-html";
import { parseMarkdownV2 } from "./parse-markdown-v2";
import type { MessageEntity } from "./types";

/** Telegram's limit for a message text after entity parsing, in UTF-16 code units. */
export const TEXT_LIMIT = 4096;

/** What a method handler answers: the `result`, and optionally Telegram's `description`. */
export interface Outcome {
  result: unknown;
  description?: string;
}

export type MethodHandler = (core: Core, params: Params, signal: AbortSignal) => Outcome | Promise<Outcome>;

/** The chat named by `chat_id` (a number, or `@username` of a known private chat). */
export function requireChat(core: Core, params: Params): ChatRecord {
  const raw = params.string("chat_id");
  if (raw === undefined || raw === "") throw badRequest("chat_id is empty");
  if (raw.startsWith("@")) {
    const name = raw.slice(1).toLowerCase();
    const found = [...core.store.chats.values()].find((r) => r.chat.username?.toLowerCase() === name);
    if (found === undefined) throw badRequest("chat not found");
    return found;
  }
  const id = params.int("chat_id");
  const record = id === undefined ? undefined : core.store.chats.get(id);
  if (record === undefined) throw badRequest("chat not found");
  return record;
}

/** `message_thread_id`: checked against a forum's topics, kept in private chats, ignored elsewhere. */
export function resolveThread(record: ChatRecord, params: Params): number | undefined {
  const threadId = params.int("message_thread_id");
  if (threadId === undefined) return undefined;
  if (record.chat.is_forum === true) {
    if (!record.topics.has(threadId)) throw badRequest("message thread not found");
    return threadId;
  }
  return record.chat.type === "private" ? threadId : undefined;
}

/**
 * The message text and entities after `parse_mode` (entities win when both are given, as on
 * Telegram), checked for emptiness, length and entity validity.
 */
export function resolveText(params: Params, allowEmpty: boolean): { text: string; entities: MessageEntity[] } {
  const source = params.string("text") ?? "";
  const given = params.entities();
  let text = source;
  let entities: MessageEntity[] = given ?? [];
  const mode = params.string("parse_mode") ?? "";
  if (given === undefined && mode !== "") {
    const parsed = mode === "MarkdownV2" ? parseMarkdownV2(source) : mode === "HTML" ? parseHtml(source) : undefined;
    if (parsed === undefined && mode !== "Markdown") throw badRequest(`unsupported parse_mode "${mode}"`);
    if (parsed?.ok === false) throw badRequest(`can't parse entities: ${parsed.reason}`);
    // Legacy "Markdown" is passed through as plain text: this stand-in does not model it.
    if (parsed?.ok === true) ({ text, entities } = parsed);
  }
  if (!allowEmpty && text.trim() === "") throw badRequest("message text is empty");
  if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
  const problem = findEntityError(text, entities);
  if (problem !== undefined) throw badRequest(`can't parse entities: ${problem}`);
  return { text, entities };
}

/** A canonical form of entities, for "message is not modified" comparisons. */
export function entitiesKey(entities: readonly MessageEntity[]): string {
  const normalized = entities.map((e) => [e.type, e.offset, e.length, e.url ?? "", e.language ?? "", e.custom_emoji_id ?? "", e.user?.id ?? 0]);
  normalized.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return JSON.stringify(normalized);
}
