/**
 * Bot command lists by scope and language, and which list a given chat and user would see:
 * Telegram tries the most specific scope first, each with the user's language before the
 * language-less list. https://core.telegram.org/bots/api#determining-list-of-commands
 */
import type { ChatStore } from "./chat-store";
import type { BotCommand, ChatType } from "./types";

/** A stable key for a `BotCommandScope` and language, however the scope's JSON was spelled. */
export function commandsKey(scope: unknown, languageCode: string): string {
  const record = typeof scope === "object" && scope !== null ? (scope as Record<string, unknown>) : {};
  const type = typeof record.type === "string" ? record.type : "default";
  const chatId = record.chat_id === undefined ? "" : String(record.chat_id);
  const userId = record.user_id === undefined ? "" : String(record.user_id);
  return `${type}:${chatId}:${userId}|${languageCode}`;
}

/** The commands a user with `languageCode` sees in a chat's "/" menu. */
export function commandsFor(store: ChatStore, chatId: number, chatType: ChatType, languageCode: string): BotCommand[] {
  const scopes: unknown[] = [
    { type: "chat", chat_id: chatId },
    { type: chatType === "private" ? "all_private_chats" : "all_group_chats" },
    { type: "default" },
  ];
  for (const scope of scopes) {
    for (const language of languageCode === "" ? [""] : [languageCode, ""]) {
      const commands = store.commands.get(commandsKey(scope, language));
      if (commands !== undefined) return commands;
    }
  }
  return [];
}
