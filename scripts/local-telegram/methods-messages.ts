/**
 * The message methods a chat bot lives on: sendMessage, sendMessageDraft, editMessageText,
 * deleteMessage and sendChatAction, with Telegram's checks, errors and rate limits.
 * https://core.telegram.org/bots/api#sendmessage
 */
import type { ChatRecord } from "./chat-store";
import type { Core } from "./core";
import { badRequest, tooManyRequests } from "./errors";
import type { MethodHandler } from "./method-helpers";
import { entitiesKey, requireChat, resolveText, resolveThread } from "./method-helpers";
import type { LimitedMethod } from "./rate-limiter";
import type { StoredMessage } from "./types";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

function admit(core: Core, method: LimitedMethod, record: ChatRecord): void {
  const admission = core.limiter.admit(method, record.chat.type, record.chat.id, core.now());
  if (admission.status === "limited") throw tooManyRequests(admission.retryAfterS);
}

/** A bot message replaces the drafts of its chat and thread, as in Telegram's clients. */
function finalizeDrafts(core: Core, record: ChatRecord, threadId: number | undefined, messageId: number): void {
  for (const draft of core.store.draftsOf(record.chat.id, core.now())) {
    if (draft.threadId !== threadId || draft.status === "finalized" || draft.status === "expired") continue;
    draft.status = "finalized";
    draft.finalMessageId = messageId;
    core.events.emit({ kind: "draft", chatId: record.chat.id, draft });
  }
}

export const sendMessage: MethodHandler = (core, params) => {
  const record = requireChat(core, params);
  const threadId = resolveThread(record, params);
  const { text, entities } = resolveText(params, false);
  const inlineKeyboard = params.inlineKeyboard();
  const replyTo = params.replyTo();
  const replyExists = replyTo !== undefined && record.messages.has(replyTo.messageId);
  if (replyTo !== undefined && !replyExists && !replyTo.allowWithoutReply) throw badRequest("message to be replied not found");
  const linkPreviewOptions = params.has("link_preview_options") ? params.json("link_preview_options", "link preview options") : undefined;
  admit(core, "sendMessage", record);
  const message: StoredMessage = {
    messageId: record.nextMessageId,
    chatId: record.chat.id,
    fromBot: true,
    from: core.store.bot,
    text,
    entities,
    date: Math.floor(Date.now() / 1000),
    edits: 0,
    ms: core.now(),
  };
  record.nextMessageId += 1;
  if (threadId !== undefined) message.threadId = threadId;
  if (replyExists) message.replyToMessageId = replyTo.messageId;
  if (inlineKeyboard !== undefined) message.inlineKeyboard = inlineKeyboard;
  if (linkPreviewOptions !== undefined) message.linkPreviewOptions = linkPreviewOptions;
  record.messages.set(message.messageId, message);
  finalizeDrafts(core, record, threadId, message.messageId);
  core.events.emit({ kind: "message", chatId: record.chat.id, message });
  return { result: core.store.toWire(record, message) };
};

export const sendMessageDraft: MethodHandler = (core, params) => {
  const record = requireChat(core, params);
  // The text Telegram answers for a draft outside a private chat (seen in the wild).
  if (record.chat.type !== "private") throw badRequest("TEXTDRAFT_PEER_INVALID");
  const draftId = params.requireInt("draft_id", "draft_id is empty");
  if (draftId === 0) throw badRequest("draft_id must be non-zero");
  const threadId = resolveThread(record, params);
  const { text, entities } = resolveText(params, true);
  admit(core, "sendMessageDraft", record);
  const nowMs = core.now();
  let draft = core.store.liveDraft(record, threadId, draftId, nowMs);
  if (draft === undefined) {
    draft = { chatId: record.chat.id, draftId, texts: [], entities: [], canStop: false, keepOnStop: false, status: "streaming", startedMs: nowMs, updatedMs: nowMs };
    if (threadId !== undefined) draft.threadId = threadId;
    record.drafts.push(draft);
  }
  draft.texts.push(text);
  draft.entities = entities;
  draft.canStop = params.bool("can_stop");
  draft.keepOnStop = params.bool("keep_on_stop");
  draft.updatedMs = nowMs;
  core.events.emit({ kind: "draft", chatId: record.chat.id, draft });
  return { result: true };
};

export const editMessageText: MethodHandler = (core, params) => {
  if (params.has("inline_message_id")) throw badRequest("message to edit not found");
  const record = requireChat(core, params);
  const messageId = params.requireInt("message_id", "message identifier is not specified");
  const message = record.messages.get(messageId);
  if (message === undefined) throw badRequest("message to edit not found");
  if (!message.fromBot) throw badRequest("message can't be edited");
  const { text, entities } = resolveText(params, false);
  // Without reply_markup, an edit removes the inline keyboard (as on Telegram).
  const inlineKeyboard = params.inlineKeyboard();
  const sameText = message.text === text && entitiesKey(message.entities) === entitiesKey(entities);
  const sameMarkup = JSON.stringify(message.inlineKeyboard ?? null) === JSON.stringify(inlineKeyboard ?? null);
  if (sameText && sameMarkup) {
    throw badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  }
  admit(core, "editMessageText", record);
  message.text = text;
  message.entities = entities;
  if (inlineKeyboard === undefined) delete message.inlineKeyboard;
  else message.inlineKeyboard = inlineKeyboard;
  message.edits += 1;
  message.editDate = Math.floor(Date.now() / 1000);
  core.events.emit({ kind: "message", chatId: record.chat.id, message });
  return { result: core.store.toWire(record, message) };
};

export const deleteMessage: MethodHandler = (core, params) => {
  const record = requireChat(core, params);
  const messageId = params.requireInt("message_id", "message identifier is not specified");
  if (!record.messages.delete(messageId)) throw badRequest("message to delete not found");
  core.events.emit({ kind: "deleted", chatId: record.chat.id, messageId });
  return { result: true };
};

export const sendChatAction: MethodHandler = (core, params) => {
  const record = requireChat(core, params);
  const action = params.string("action") ?? "";
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  const threadId = resolveThread(record, params);
  core.events.emit(threadId === undefined ? { kind: "action", chatId: record.chat.id, action } : { kind: "action", chatId: record.chat.id, threadId, action });
  return { result: true };
};
