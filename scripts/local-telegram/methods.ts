/**
 * The Bot API method table. Telegram matches method names case-insensitively, so the table is
 * keyed by the lower-cased name and keeps the canonical spelling for records.
 */
import type { MethodHandler } from "./method-helpers";
import * as bot from "./methods-bot";
import * as messages from "./methods-messages";
import * as documents from "./methods-documents";

const handlers: Record<string, MethodHandler> = {
  getMe: bot.getMe,
  setWebhook: bot.setWebhook,
  deleteWebhook: bot.deleteWebhook,
  getWebhookInfo: bot.getWebhookInfo,
  getUpdates: bot.getUpdates,
  setMyCommands: bot.setMyCommands,
  getMyCommands: bot.getMyCommands,
  deleteMyCommands: bot.deleteMyCommands,
  answerCallbackQuery: bot.answerCallbackQuery,
  sendMessage: messages.sendMessage,
  sendMessageDraft: messages.sendMessageDraft,
  editMessageText: messages.editMessageText,
  deleteMessage: messages.deleteMessage,
  sendChatAction: messages.sendChatAction,
  sendDocument: documents.sendDocument,
};

/** Lower-cased method name → canonical name and handler. */
export const METHODS: ReadonlyMap<string, { name: string; handler: MethodHandler }> = new Map(
  Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);
