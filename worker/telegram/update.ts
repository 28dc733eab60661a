/**
 * Telegram updates: the zod schema at the webhook edge and the routing decision that turns an
 * update into one `Inbound` event for a chat's Durable Object (or into "ignore, with a reason").
 *
 * The schema validates only the fields the bot reads and lets the rest through, because Telegram
 * adds fields to updates every Bot API release and an unknown field must never become a 400.
 * https://core.telegram.org/bots/api#update
 */
import { z } from "zod";

const UserSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const ChatSchema = z.looseObject({
  id: z.number().int(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
  title: z.string().optional(),
  is_forum: z.boolean().optional(),
});

const EntitySchema = z.looseObject({
  type: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
});

const MessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int().optional(),
  chat: ChatSchema,
  from: UserSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(EntitySchema).optional(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  reply_to_message: z
    .looseObject({ message_id: z.number().int(), from: UserSchema.optional() })
    .optional(),
});

export const UpdateSchema = z.looseObject({
  update_id: z.number().int().min(0),
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  callback_query: z
    .looseObject({
      id: z.string(),
      from: UserSchema,
      data: z.string().optional(),
      message: z.looseObject({ message_id: z.number().int(), chat: ChatSchema }).optional(),
    })
    .optional(),
  stopped_message_generation: z
    .looseObject({
      chat: ChatSchema,
      message_thread_id: z.number().int().optional(),
      draft_id: z.number().int(),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof UpdateSchema>;

export type ChatType = "private" | "group" | "supergroup";

/** Who wrote, as far as Telegram tells us. `languageCode` is only a hint. */
export interface Sender {
  id: number;
  firstName?: string;
  languageCode?: string;
}

interface InboundBase {
  updateId: number;
  chatId: number;
  chatType: ChatType;
  /** Forum topic (message_thread_id); 0 outside forum topics. Each topic is its own conversation. */
  threadId: number;
}

/** A command the bot understands; anything else starting with "/" is treated as text. */
export const COMMANDS = [
  "start", "help", "reset", "stop", "retry", "privacy", "mydata", "forget", "region",
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** One event for a chat's Durable Object. Serializable: it crosses the RPC boundary. */
export type Inbound =
  | (InboundBase & { kind: "text"; messageId: number; from: Sender; text: string })
  | (InboundBase & { kind: "command"; messageId: number; from: Sender; command: CommandName; args: string })
  | (InboundBase & { kind: "unsupported"; messageId: number; from: Sender })
  | (InboundBase & { kind: "stop-button"; draftId: number })
  | (InboundBase & { kind: "callback"; callbackId: string; messageId: number; from: Sender; data: string });

export type RouteResult = { action: "deliver"; inbound: Inbound } | { action: "ignore"; reason: string };

export const InboundSchema: z.ZodType<Inbound> = z.discriminatedUnion("kind", [
  baseSchema().extend({
    kind: z.literal("text"), messageId: z.number().int(), from: senderSchema(), text: z.string(),
  }),
  baseSchema().extend({
    kind: z.literal("command"), messageId: z.number().int(), from: senderSchema(),
    command: z.enum(COMMANDS), args: z.string(),
  }),
  baseSchema().extend({ kind: z.literal("unsupported"), messageId: z.number().int(), from: senderSchema() }),
  baseSchema().extend({ kind: z.literal("stop-button"), draftId: z.number().int() }),
  baseSchema().extend({
    kind: z.literal("callback"), callbackId: z.string(), messageId: z.number().int(),
    from: senderSchema(), data: z.string(),
  }),
]);

function baseSchema() {
  return z.object({
    updateId: z.number().int().min(0),
    chatId: z.number().int(),
    chatType: z.enum(["private", "group", "supergroup"]),
    threadId: z.number().int().min(0),
  });
}
function senderSchema() {
  return z.object({
    id: z.number().int(),
    firstName: z.string().optional(),
    languageCode: z.string().optional(),
  });
}

function sender(user: z.infer<typeof UserSchema> | undefined, fallbackId: number): Sender {
  return { id: user?.id ?? fallbackId, firstName: user?.first_name, languageCode: user?.language_code };
}

function chatType(type: z.infer<typeof ChatSchema>["type"]): ChatType | undefined {
  return type === "channel" ? undefined : type;
}

/**
 * Decides what one update means for the bot. Pure: the same update and bot always route alike.
 *
 * In groups the bot speaks only when addressed (a mention, a reply to one of its messages, or a
 * command), so it never answers every message of a busy group.
 */
export function routeUpdate(update: TelegramUpdate, bot: { id: number; username: string }): RouteResult {
  if (update.stopped_message_generation) {
    const s = update.stopped_message_generation;
    const type = chatType(s.chat.type);
    if (!type) return { action: "ignore", reason: "channel" };
    return {
      action: "deliver",
      inbound: {
        kind: "stop-button", updateId: update.update_id, chatId: s.chat.id, chatType: type,
        threadId: s.message_thread_id ?? 0, draftId: s.draft_id,
      },
    };
  }
  if (update.callback_query) {
    const q = update.callback_query;
    if (!q.message || q.data === undefined) return { action: "ignore", reason: "callback without message or data" };
    const type = chatType(q.message.chat.type);
    if (!type) return { action: "ignore", reason: "channel" };
    return {
      action: "deliver",
      inbound: {
        kind: "callback", updateId: update.update_id, chatId: q.message.chat.id, chatType: type,
        threadId: 0, callbackId: q.id, messageId: q.message.message_id, from: sender(q.from, q.from.id),
        data: q.data,
      },
    };
  }
  const message = update.message;
  if (!message) return { action: "ignore", reason: `unhandled update type: ${updateType(update)}` };
  const type = chatType(message.chat.type);
  if (!type) return { action: "ignore", reason: "channel" };
  if (message.from?.is_bot) return { action: "ignore", reason: "message from a bot" };

  const base = {
    updateId: update.update_id, chatId: message.chat.id, chatType: type,
    threadId: message.is_topic_message ? (message.message_thread_id ?? 0) : 0,
    messageId: message.message_id, from: sender(message.from, message.chat.id),
  };
  const text = message.text;
  const isPrivate = type === "private";

  if (text === undefined) {
    const addressed = isPrivate || message.reply_to_message?.from?.id === bot.id;
    return addressed
      ? { action: "deliver", inbound: { ...base, kind: "unsupported" } }
      : { action: "ignore", reason: "non-text group message" };
  }

  const command = parseCommand(text, bot.username);
  if (command === "other-bot") return { action: "ignore", reason: "command for another bot" };
  if (command) {
    return { action: "deliver", inbound: { ...base, kind: "command", command: command.name, args: command.args } };
  }
  if (!isPrivate) {
    const mention = `@${bot.username.toLowerCase()}`;
    const mentioned = text.toLowerCase().includes(mention);
    const repliedToBot = message.reply_to_message?.from?.id === bot.id;
    if (!mentioned && !repliedToBot) return { action: "ignore", reason: "group message not addressed to the bot" };
    const stripped = stripMention(text, bot.username);
    return { action: "deliver", inbound: { ...base, kind: "text", text: stripped } };
  }
  return { action: "deliver", inbound: { ...base, kind: "text", text } };
}

/** "/reset", "/reset@this_bot args" → the command; "/x@other_bot" → "other-bot". */
export function parseCommand(
  text: string,
  botUsername: string,
): { name: CommandName; args: string } | "other-bot" | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,32}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, rawName = "", target, args = ""] = match;
  if (target && target.toLowerCase() !== botUsername.toLowerCase()) return "other-bot";
  const name = rawName.toLowerCase();
  if (!(COMMANDS as readonly string[]).includes(name)) return undefined;
  return { name: name as CommandName, args: args.trim() };
}

function stripMention(text: string, username: string): string {
  const re = new RegExp(`@${username.replace(/[^A-Za-z0-9_]/g, "")}\\b`, "gi");
  const stripped = text.replace(re, "").replace(/\s{2,}/g, " ").trim();
  return stripped.length > 0 ? stripped : text.trim();
}

/** The name of the first payload field of an update, for logs ("edited_message", "poll", ...). */
export function updateType(update: Record<string, unknown>): string {
  return Object.keys(update).find((k) => k !== "update_id") ?? "empty";
}
