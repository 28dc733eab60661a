/**
 * What simulated users do: write a message, press a draft's Stop button, press an inline button.
 * Each action changes the chat like a Telegram client would and queues the update the bot gets.
 * Tests and the benchmark call these directly; the chat page calls them over HTTP.
 */
import type { Core } from "./core";
import { detectUserEntities, findEntityError } from "./entities";
import { SimulationError } from "./errors";
import { DEFAULT_GROUP_USER_ID, inferChatType } from "./presets";
import type { ChatType, MessageEntity, StoredMessage, User } from "./types";

export interface UserMessageInput {
  chatId: number;
  chatType?: ChatType;
  /** Title of a group created by this message (presets and "Group <id>" otherwise). */
  chatTitle?: string;
  /** Writes into this forum topic (the chat becomes a forum supergroup). */
  forumTopicId?: number;
  /** Who writes; in a private chat the id is always the chat id. */
  from?: Partial<User>;
  text: string;
  replyToMessageId?: number;
  /** Entities as the client would attach them; detected like Telegram does when left out. */
  entities?: MessageEntity[];
}

const orderKey = (chatId: number): string => `chat:${chatId}`;

/** A user writes a message: creates the chat on first use and queues a `message` update. */
export function sendUserMessage(core: Core, input: UserMessageInput): { updateId: number; messageId: number } {
  if (input.text.trim() === "") throw new SimulationError("a user cannot send an empty message");
  const type = input.chatType ?? inferChatType(input.chatId, input.forumTopicId);
  if ((type === "private") !== input.chatId > 0) throw new SimulationError(`chat ${input.chatId} cannot be ${type}: private chats have positive ids, groups negative`);
  const fromId = type === "private" ? input.chatId : (input.from?.id ?? DEFAULT_GROUP_USER_ID);
  const from = core.store.resolveUser(fromId, input.from);
  const isNew = !core.store.chats.has(input.chatId);
  const record = core.store.ensureChat(input.chatId, type, input.chatTitle, input.forumTopicId !== undefined);
  if (isNew) core.events.emit({ kind: "chat", chatId: input.chatId });
  if (input.forumTopicId !== undefined) {
    if (record.chat.is_forum !== true) throw new SimulationError(`chat ${input.chatId} is not a forum`);
    core.store.ensureTopic(record, input.forumTopicId);
  }
  if (input.replyToMessageId !== undefined && !record.messages.has(input.replyToMessageId)) {
    throw new SimulationError(`message ${input.replyToMessageId} does not exist in chat ${input.chatId}`);
  }
  const entities = input.entities ?? detectUserEntities(input.text);
  const problem = findEntityError(input.text, entities);
  if (problem !== undefined) throw new SimulationError(`invalid entities: ${problem}`);
  const message: StoredMessage = {
    messageId: record.nextMessageId,
    chatId: input.chatId,
    fromBot: false,
    from,
    text: input.text,
    entities,
    date: Math.floor(Date.now() / 1000),
    edits: 0,
    ms: core.now(),
  };
  record.nextMessageId += 1;
  if (input.forumTopicId !== undefined) message.threadId = input.forumTopicId;
  if (input.replyToMessageId !== undefined) message.replyToMessageId = input.replyToMessageId;
  record.messages.set(message.messageId, message);
  core.events.emit({ kind: "message", chatId: input.chatId, message });
  const updateId = core.queue.enqueue(orderKey(input.chatId), (id) => ({ update_id: id, message: core.store.toWire(record, message) }));
  return { updateId, messageId: message.messageId };
}

/** The user presses Stop on a draft shown with `can_stop`: queues `stopped_message_generation`. */
export function pressDraftStop(core: Core, chatId: number, draftId: number, threadId?: number): { updateId: number } {
  const record = core.store.chats.get(chatId);
  const draft = record === undefined ? undefined : core.store.liveDraft(record, threadId, draftId, core.now());
  if (record === undefined || draft === undefined) throw new SimulationError(`no draft ${draftId} in chat ${chatId}`);
  if (!draft.canStop) throw new SimulationError(`draft ${draftId} was sent without can_stop, so it has no Stop button`);
  if (draft.status !== "streaming") throw new SimulationError(`draft ${draftId} is ${draft.status}, not on screen`);
  draft.status = "stopped";
  core.events.emit({ kind: "draft", chatId, draft });
  const stopped: Record<string, unknown> = { chat: record.chat, draft_id: draftId };
  if (threadId !== undefined) stopped.message_thread_id = threadId;
  const updateId = core.queue.enqueue(orderKey(chatId), (id) => ({ update_id: id, stopped_message_generation: stopped }));
  return { updateId };
}

let callbackCounter = 0;

/** The user presses an inline button of a bot message: queues a `callback_query`. */
export function pressButton(core: Core, chatId: number, messageId: number, data: string, from?: Partial<User>): { updateId: number } {
  const record = core.store.chats.get(chatId);
  const message = record?.messages.get(messageId);
  if (record === undefined || message === undefined) throw new SimulationError(`no message ${messageId} in chat ${chatId}`);
  const buttons = message.inlineKeyboard?.flat() ?? [];
  if (!buttons.some((b) => b.callback_data === data)) throw new SimulationError(`message ${messageId} has no button with callback_data "${data}"`);
  const user = core.store.resolveUser(record.chat.type === "private" ? chatId : (from?.id ?? DEFAULT_GROUP_USER_ID), from);
  callbackCounter += 1;
  const id = `${4_000_000_000_000_000 + Date.now() * 1000 + callbackCounter}`;
  core.store.callbackQueries.set(id, { id, chatId, messageId, data, answered: false });
  const query = {
    id,
    from: user,
    message: core.store.toWire(record, message),
    chat_instance: String(-Math.abs(chatId * 7919)),
    data,
  };
  const updateId = core.queue.enqueue(orderKey(chatId), (updateIdValue) => ({ update_id: updateIdValue, callback_query: query }));
  return { updateId };
}

let rawCounter = 0;

/** Queues any JSON as an update (for malformed and unknown update tests); ordered by its chat when one is found. */
export function enqueueRawUpdate(core: Core, body: unknown): number {
  const chatId = findChatId(body);
  rawCounter += 1;
  return core.queue.enqueue(
    chatId === undefined ? `raw:${rawCounter}` : orderKey(chatId),
    (id) => (isPlainObject(body) && !("update_id" in body) ? { update_id: id, ...body } : body),
    true,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function findChatId(body: unknown): number | undefined {
  if (!isPlainObject(body)) return undefined;
  for (const value of Object.values(body)) {
    if (!isPlainObject(value)) continue;
    const holder = isPlainObject(value.message) ? value.message : value;
    const chat = holder.chat;
    if (isPlainObject(chat) && typeof chat.id === "number") return chat.id;
  }
  return undefined;
}
