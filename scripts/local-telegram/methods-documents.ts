/**
 * sendDocument, as far as a chat bot uses it: a file uploaded with multipart/form-data (the bot's
 * /mydata export), with an optional caption. The file's bytes are kept (decoded as UTF-8) on the
 * stored message so tests and the chat page can read what the bot sent. Sending by file_id or URL
 * is not modelled.
 * https://core.telegram.org/bots/api#senddocument
 */
import type { Core } from "./core";
import { badRequest } from "./errors";
import type { MethodHandler } from "./method-helpers";
import { requireChat, resolveThread } from "./method-helpers";
import type { StoredMessage } from "./types";

/** Telegram's limits: captions of 1024 characters, uploads of 50 MB. */
const CAPTION_LIMIT = 1024;
const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;

export const sendDocument: MethodHandler = async (core: Core, params) => {
  const record = requireChat(core, params);
  const threadId = resolveThread(record, params);
  // An upload is named by `attach://<part>` (or sent as the `document` part itself).
  const reference = params.raw.document;
  const file = typeof reference === "string" && reference.startsWith("attach://") ? params.raw[reference.slice(9)] : reference;
  if (typeof file === "string") throw badRequest("wrong remote file identifier specified: this stand-in takes uploads only");
  if (!(file instanceof Blob)) throw badRequest("there is no document in the request");
  if (file.size > UPLOAD_LIMIT_BYTES) throw badRequest("file is too big");
  const caption = params.string("caption") ?? "";
  if (caption.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  const fileName = file instanceof File && file.name !== "" ? file.name : "document";
  const mimeType = file.type === "" ? "application/octet-stream" : file.type;
  const message: StoredMessage = {
    messageId: record.nextMessageId,
    chatId: record.chat.id,
    fromBot: true,
    from: core.store.bot,
    text: caption,
    entities: params.entities("caption_entities") ?? [],
    date: Math.floor(Date.now() / 1000),
    edits: 0,
    ms: core.now(),
    document: { fileName, mimeType, size: file.size, content: await file.text() },
  };
  record.nextMessageId += 1;
  if (threadId !== undefined) message.threadId = threadId;
  record.messages.set(message.messageId, message);
  core.events.emit({ kind: "message", chatId: record.chat.id, message });
  const wire = core.store.toWire(record, message);
  delete wire.text;
  delete wire.entities;
  const fileId = `local-document-${record.chat.id}-${message.messageId}`;
  return {
    result: {
      ...wire,
      ...(caption === "" ? {} : { caption }),
      document: { file_id: fileId, file_unique_id: fileId, file_name: fileName, mime_type: mimeType, file_size: file.size },
    },
  };
};
