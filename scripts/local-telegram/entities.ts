/**
 * Message entities: an independent validator for what a bot sends, and the automatic entities
 * Telegram adds to what users type (commands, mentions, links).
 *
 * The validator is written from the Bot API's rules, not from the bot's own formatter, so a bug
 * in the bot's Markdown-to-entities code shows up here as Telegram's "can't parse entities" error.
 * It is deliberately strict: real Telegram silently repairs some malformed entity lists (drops an
 * entity past the end, for instance), which would hide exactly the bugs we want to catch.
 * Offsets and lengths count UTF-16 code units. https://core.telegram.org/bots/api#messageentity
 */
import type { MessageEntity } from "./types";

/** Entity types the Bot API knows. */
export const ENTITY_TYPES: ReadonlySet<string> = new Set([
  "mention",
  "hashtag",
  "cashtag",
  "bot_command",
  "url",
  "email",
  "phone_number",
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
  "blockquote",
  "expandable_blockquote",
  "code",
  "pre",
  "text_link",
  "text_mention",
  "custom_emoji",
]);

const CODE_TYPES = new Set(["code", "pre"]);
const QUOTE_TYPES = new Set(["blockquote", "expandable_blockquote"]);

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True when `index` falls between the two halves of a surrogate pair. */
function splitsSurrogatePair(text: string, index: number): boolean {
  return index > 0 && index < text.length && isHighSurrogate(text.charCodeAt(index - 1)) && !isHighSurrogate(text.charCodeAt(index));
}

function checkOne(text: string, entity: MessageEntity, index: number): string | undefined {
  const at = `entity #${index}`;
  if (!ENTITY_TYPES.has(entity.type)) return `${at} has unsupported type "${entity.type}"`;
  if (!Number.isInteger(entity.offset) || entity.offset < 0) return `${at} has invalid offset ${entity.offset}`;
  if (!Number.isInteger(entity.length) || entity.length <= 0) return `${at} has invalid length ${entity.length}`;
  const end = entity.offset + entity.length;
  if (end > text.length) {
    return `${at} (${entity.type}) ends at UTF-16 offset ${end}, past the end of the text (${text.length})`;
  }
  if (splitsSurrogatePair(text, entity.offset) || splitsSurrogatePair(text, end)) {
    return `${at} (${entity.type}) splits a surrogate pair`;
  }
  if (entity.type === "text_link") {
    if (entity.url === undefined || entity.url === "") return `${at} (text_link) has no url`;
    if (!URL.canParse(entity.url)) return `${at} (text_link) has an invalid url "${entity.url}"`;
  }
  if (entity.type === "text_mention" && entity.user === undefined) return `${at} (text_mention) has no user`;
  if (entity.type === "custom_emoji" && (entity.custom_emoji_id ?? "") === "") return `${at} (custom_emoji) has no custom_emoji_id`;
  return undefined;
}

/**
 * Checks a bot's entities against its text; returns the reason for Telegram's
 * "Bad Request: can't parse entities: <reason>", or undefined when they are valid.
 */
export function findEntityError(text: string, entities: readonly MessageEntity[]): string | undefined {
  for (const [index, entity] of entities.entries()) {
    const problem = checkOne(text, entity, index);
    if (problem !== undefined) return problem;
  }
  const spans = entities.map((e, index) => ({ e, index, end: e.offset + e.length }));
  spans.sort((a, b) => a.e.offset - b.e.offset || b.end - a.end);
  for (const [i, outer] of spans.entries()) {
    for (const inner of spans.slice(i + 1)) {
      if (inner.e.offset >= outer.end) break;
      if (inner.end > outer.end) {
        return `entities #${outer.index} (${outer.e.type}) and #${inner.index} (${inner.e.type}) partially overlap`;
      }
      if (CODE_TYPES.has(outer.e.type)) {
        return `${outer.e.type} entity #${outer.index} must not contain other entities, but contains #${inner.index} (${inner.e.type})`;
      }
      if (QUOTE_TYPES.has(outer.e.type) && QUOTE_TYPES.has(inner.e.type)) {
        return `blockquote entity #${outer.index} must not contain another blockquote (#${inner.index})`;
      }
    }
  }
  return undefined;
}

/**
 * The entities a Telegram client attaches to what a user types: a leading `/command`
 * (`bot_command`), `@username` mentions (`mention`) and bare links (`url`).
 */
export function detectUserEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/.exec(text);
  if (command !== null) found.push({ type: "bot_command", offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{2,31}\b/g)) {
    const offset = match.index;
    if (found.some((e) => offset >= e.offset && offset < e.offset + e.length)) continue;
    found.push({ type: "mention", offset, length: match[0].length });
  }
  for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/g)) {
    found.push({ type: "url", offset: match.index, length: match[0].length });
  }
  return found.sort((a, b) => a.offset - b.offset);
}
