/**
 * The state Telegram keeps for the bot: chats, their messages (bot's and users'), drafts, users
 * seen, bot commands and callback queries. It also renders stored messages as the wire `Message`
 * objects Telegram puts into updates and method results.
 */
import { PRESET_CHATS, PRESET_USERS } from "./presets";
import type { BotCommand, Chat, ChatType, DraftState, StoredMessage, User } from "./types";

/** How long a draft stays visible without an update (Bot API: "a temporary 30-second preview"). */
export const DRAFT_LIFETIME_MS = 30_000;

export interface ChatRecord {
  chat: Chat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Every draft ever shown, oldest first; a reused draft_id after finalization starts a new entry. */
  drafts: DraftState[];
  topics: Map<number, string>;
}

function expireDraft(draft: DraftState, nowMs: number): void {
  const live = draft.status === "streaming" || draft.status === "stopped";
  if (live && nowMs - draft.updatedMs > DRAFT_LIFETIME_MS) draft.status = "expired";
}

export interface CallbackQueryRecord {
  id: string;
  chatId: number;
  messageId: number;
  data: string;
  answered: boolean;
  answer?: { text?: string; showAlert: boolean };
}

export class ChatStore {
  readonly chats = new Map<number, ChatRecord>();
  readonly users = new Map<number, User>(PRESET_USERS.map((u) => [u.id, { ...u }]));
  /** Keyed by `${scope JSON}|${language_code}`. */
  readonly commands = new Map<string, BotCommand[]>();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();

  constructor(readonly bot: User) {}

  /** The chat, created on first use from its preset or from the given type and title. */
  ensureChat(chatId: number, type: ChatType, title?: string, forum = false): ChatRecord {
    const existing = this.chats.get(chatId);
    if (existing !== undefined) return existing;
    const preset = PRESET_CHATS.find((p) => p.chatId === chatId);
    const chat: Chat = { id: chatId, type: preset?.type ?? type };
    if (chat.type === "private") {
      const user = this.users.get(chatId);
      chat.first_name = user?.first_name ?? `User ${chatId}`;
      if (user?.last_name !== undefined) chat.last_name = user.last_name;
      if (user?.username !== undefined) chat.username = user.username;
    } else {
      chat.title = preset?.title ?? title ?? `Group ${chatId}`;
      if (forum || preset?.topics !== undefined) chat.is_forum = true;
    }
    const record: ChatRecord = { chat, nextMessageId: 1, messages: new Map(), drafts: [], topics: new Map() };
    for (const topic of preset?.topics ?? []) this.ensureTopic(record, topic.id, topic.name);
    this.chats.set(chatId, record);
    return record;
  }

  /** Registers a forum topic; message ids stay above topic ids, as topics are messages too. */
  ensureTopic(record: ChatRecord, topicId: number, name = `Topic ${topicId}`): void {
    if (!record.topics.has(topicId)) record.topics.set(topicId, name);
    record.nextMessageId = Math.max(record.nextMessageId, topicId + 1);
  }

  /** A user profile merged from what is known and what the caller overrides. */
  resolveUser(id: number, overrides: Partial<User> = {}): User {
    const known = this.users.get(id);
    const user: User = {
      id,
      is_bot: false,
      first_name: overrides.first_name ?? known?.first_name ?? `User${id}`,
      username: overrides.username ?? known?.username ?? `user${id}`,
      language_code: overrides.language_code ?? known?.language_code ?? "en",
    };
    const lastName = overrides.last_name ?? known?.last_name;
    if (lastName !== undefined) user.last_name = lastName;
    this.users.set(id, user);
    return user;
  }

  /** A chat's drafts, with expiry applied as of `nowMs`. */
  draftsOf(chatId: number, nowMs: number): DraftState[] {
    const record = this.chats.get(chatId);
    if (record === undefined) return [];
    for (const draft of record.drafts) expireDraft(draft, nowMs);
    return [...record.drafts];
  }

  /** The draft on screen (streaming, or stopped but not yet replaced) with this id in this thread. */
  liveDraft(record: ChatRecord, threadId: number | undefined, draftId: number, nowMs: number): DraftState | undefined {
    const draft = record.drafts.findLast((d) => d.draftId === draftId && d.threadId === threadId);
    if (draft === undefined) return undefined;
    expireDraft(draft, nowMs);
    return draft.status === "streaming" || draft.status === "stopped" ? draft : undefined;
  }

  /** The wire `Message` Telegram would send for a stored message. */
  toWire(record: ChatRecord, message: StoredMessage, withReply = true): Record<string, unknown> {
    const wire: Record<string, unknown> = {
      message_id: message.messageId,
      from: message.from,
      chat: record.chat,
      date: message.date,
    };
    if (message.threadId !== undefined) {
      wire.message_thread_id = message.threadId;
      if (record.chat.is_forum === true) wire.is_topic_message = true;
    }
    if (message.editDate !== undefined) wire.edit_date = message.editDate;
    wire.text = message.text;
    if (message.entities.length > 0) wire.entities = message.entities;
    if (message.linkPreviewOptions !== undefined) wire.link_preview_options = message.linkPreviewOptions;
    if (message.inlineKeyboard !== undefined) wire.reply_markup = { inline_keyboard: message.inlineKeyboard };
    if (withReply) {
      const replied = message.replyToMessageId === undefined ? undefined : record.messages.get(message.replyToMessageId);
      if (replied !== undefined) wire.reply_to_message = this.toWire(record, replied, false);
      else if (message.threadId !== undefined && record.topics.has(message.threadId)) {
        // In a forum topic, Telegram marks every message as a reply to the topic's creation message.
        wire.reply_to_message = this.topicCreatedMessage(record, message.threadId);
      }
    }
    return wire;
  }

  private topicCreatedMessage(record: ChatRecord, topicId: number): Record<string, unknown> {
    return {
      message_id: topicId,
      from: this.users.get(PRESET_USERS[0]?.id ?? 0) ?? this.bot,
      chat: record.chat,
      date: 1_700_000_000,
      message_thread_id: topicId,
      is_topic_message: true,
      forum_topic_created: { name: record.topics.get(topicId) ?? `Topic ${topicId}`, icon_color: 7322096 },
    };
  }
}
