/**
 * Shapes shared by the local Telegram stand-in: the Bot API objects it sends on the wire
 * (a subset of https://core.telegram.org/bots/api#available-types) and the inspection records
 * that tests, the benchmark and the chat page read.
 *
 * Wire objects use Telegram's snake_case names; inspection records use camelCase so a reader can
 * tell at a glance which side of the fence a value belongs to.
 */

/** A Telegram user, as in `message.from`. */
export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type ChatType = "private" | "group" | "supergroup";

/** A Telegram chat, as in `message.chat`. */
export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
  is_forum?: true;
}

/** A message entity; offsets and lengths count UTF-16 code units. */
export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: User;
  custom_emoji_id?: string;
}

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
}

/** One message of a chat as it stands now (after edits), from the bot or from a simulated user. */
export interface StoredMessage {
  messageId: number;
  chatId: number;
  /** Forum topic (or private-chat topic) the message belongs to. */
  threadId?: number;
  fromBot: boolean;
  from: User;
  text: string;
  entities: MessageEntity[];
  /** Unix seconds, as Telegram's `date`. */
  date: number;
  /** Unix seconds of the last edit. */
  editDate?: number;
  /** How many times editMessageText changed it. */
  edits: number;
  replyToMessageId?: number;
  /** Inline keyboard rows, when the bot attached one. */
  inlineKeyboard?: InlineKeyboardButton[][];
  linkPreviewOptions?: unknown;
  /** A document sent with sendDocument (`text` then holds its caption); content decoded as UTF-8. */
  document?: { fileName: string; mimeType: string; size: number; content: string };
  /** Milliseconds since the server started when the message was created. */
  ms: number;
}

export type DraftStatus = "streaming" | "finalized" | "stopped" | "expired";

/** The history of one `draft_id` in one chat (and thread). */
export interface DraftState {
  chatId: number;
  threadId?: number;
  draftId: number;
  /** Every text the bot sent for this draft, in order ("" means "Thinking…"). */
  texts: string[];
  /** Entities of the latest text. */
  entities: MessageEntity[];
  canStop: boolean;
  keepOnStop: boolean;
  status: DraftStatus;
  startedMs: number;
  updatedMs: number;
  /** The bot message that replaced the draft, once the bot sent one in the same chat and thread. */
  finalMessageId?: number;
}

/** One Bot API call as the stand-in answered it. */
export interface RecordedCall {
  /** Milliseconds since the server started when the request arrived (performance.now based). */
  ms: number;
  /** How long the answer took, in milliseconds (long polls included). */
  durationMs: number;
  /** Canonical method name, e.g. "sendMessage"; as given when the method is unknown. */
  method: string;
  params: Record<string, unknown>;
  /** HTTP status answered. */
  status: number;
  chatId?: number;
  description?: string;
  retryAfter?: number;
  /** True when the call came back in a webhook's answer body rather than over the Bot API. */
  viaWebhookReply?: boolean;
}

/** One webhook POST attempt. */
export interface WebhookDelivery {
  updateId: number;
  /** HTTP status the receiver answered; 0 for a network error or a timeout. */
  status: number;
  /** 1 for the first attempt of this update, 2 for the first redelivery, ... */
  attempt: number;
  /** Milliseconds since the server started when the attempt finished. */
  ms: number;
  durationMs: number;
}

export interface BotCommand {
  command: string;
  description: string;
}
