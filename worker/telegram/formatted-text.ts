/**
 * Text with Telegram message entities: the one shape every renderer, splitter and sender shares.
 *
 * We always send `entities` instead of `parse_mode`, so no escaping can ever fail on Telegram's
 * side. Offsets and lengths count UTF-16 code units, exactly as JavaScript string indices do.
 * https://core.telegram.org/bots/api#messageentity
 */

import type { MessageEntity as BotApiEntity } from "grammy/types";

export type EntityType =
  | "bold"
  | "italic"
  | "underline"
  | "strikethrough"
  | "spoiler"
  | "code"
  | "pre"
  | "text_link"
  | "blockquote";

export interface MessageEntity {
  type: EntityType;
  /** Offset in UTF-16 code units. */
  offset: number;
  /** Length in UTF-16 code units. */
  length: number;
  /** For `text_link` only. */
  url?: string;
  /** For `pre` only: the code block's language. */
  language?: string;
}

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** Telegram's limit for one message's text, after entity parsing, in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export function plain(text: string): FormattedText {
  return { text, entities: [] };
}

/** Our entities in grammY's Bot API type (a narrowing per entity type, no casts). */
export function toBotApiEntities(entities: readonly MessageEntity[]): BotApiEntity[] {
  return entities.map((e): BotApiEntity => {
    if (e.type === "text_link") return { type: "text_link", offset: e.offset, length: e.length, url: e.url ?? "" };
    if (e.type === "pre") {
      return e.language
        ? { type: "pre", offset: e.offset, length: e.length, language: e.language }
        : { type: "pre", offset: e.offset, length: e.length };
    }
    return { type: e.type, offset: e.offset, length: e.length };
  });
}
