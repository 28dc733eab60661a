/**
 * A minimal MarkdownV2 parser (`parse_mode: "MarkdownV2"`), faithful where bots usually trip:
 * reserved characters must be escaped, every entity must be closed, and errors name a byte
 * offset like Telegram's. https://core.telegram.org/bots/api#markdownv2-style
 *
 * Supported: *bold*, _italic_, __underline__, ~strikethrough~, ||spoiler||, `code`,
 * ```language\npre```, [text](url), and `>` blockquote lines. The result is plain text with
 * entities in UTF-16 offsets, or the reason to put after "can't parse entities: ".
 */
import type { MessageEntity } from "./types";

export type ParseResult = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; reason: string };

const RESERVED = new Set(["_", "*", "[", "]", "(", ")", "~", "`", ">", "#", "+", "-", "=", "|", "{", "}", ".", "!"]);
const NAMES: Record<string, string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  text_link: "TextUrl",
};

interface Open {
  type: string;
  start: number;
  byte: number;
}

/** Parses MarkdownV2 source into text and entities. */
export function parseMarkdownV2(source: string): ParseResult {
  const encoder = new TextEncoder();
  const byteAt = (i: number): number => encoder.encode(source.slice(0, i)).length;
  let out = "";
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;

  const add = (type: string, start: number, extra: Partial<MessageEntity> = {}): void => {
    if (out.length > start) entities.push({ type, offset: start, length: out.length - start, ...extra });
  };
  const toggle = (type: string, i: number): string | undefined => {
    const top = stack[stack.length - 1];
    if (top?.type === type) {
      stack.pop();
      add(type, top.start);
      return undefined;
    }
    if (stack.some((o) => o.type === type)) return `Can't find end of ${NAMES[top?.type ?? type]} entity at byte offset ${top?.byte ?? 0}`;
    stack.push({ type, start: out.length, byte: byteAt(i) });
    return undefined;
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? "";
    const atLineStart = i === 0 || source[i - 1] === "\n";
    if (atLineStart && c === ">") {
      quoteStart ??= out.length;
      i += 1;
      continue;
    }
    if (c === "\n" && quoteStart !== undefined && source[i + 1] !== ">") {
      add("blockquote", quoteStart);
      quoteStart = undefined;
    }
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return { ok: false, reason: `Character '\\' is reserved and must be escaped with the preceding '\\'` };
      out += next;
      i += 2;
      continue;
    }
    if (c === "`") {
      const fence = source.startsWith("```", i);
      const open = fence ? 3 : 1;
      const close = findClosing(source, i + open, fence ? "```" : "`");
      if (close === undefined) return { ok: false, reason: `Can't find end of ${fence ? "Pre" : "Code"} entity at byte offset ${byteAt(i)}` };
      let body = unescapeCode(source.slice(i + open, close));
      const start = out.length;
      if (fence) {
        const newline = body.indexOf("\n");
        const language = newline > 0 ? body.slice(0, newline) : "";
        if (newline >= 0 && /^[\w+#.-]*$/.test(language)) body = body.slice(newline + 1);
        out += body;
        add("pre", start, language !== "" && /^[\w+#.-]+$/.test(language) ? { language } : {});
      } else {
        out += body;
        add("code", start);
      }
      i = close + open;
      continue;
    }
    let problem: string | undefined;
    if (c === "*") problem = toggle("bold", i);
    else if (c === "_" && source[i + 1] === "_") {
      problem = toggle("underline", i);
      i += 1;
    } else if (c === "_") problem = toggle("italic", i);
    else if (c === "~") problem = toggle("strikethrough", i);
    else if (c === "|" && source[i + 1] === "|") {
      problem = toggle("spoiler", i);
      i += 1;
    } else if (c === "[") stack.push({ type: "text_link", start: out.length, byte: byteAt(i) });
    else if (c === "]" && stack[stack.length - 1]?.type === "text_link" && source[i + 1] === "(") {
      const close = findClosing(source, i + 2, ")");
      if (close === undefined) return { ok: false, reason: `Can't find end of a url at byte offset ${byteAt(i + 2)}` };
      const open = stack.pop();
      add("text_link", open?.start ?? out.length, { url: source.slice(i + 2, close).replace(/\\(.)/g, "$1") });
      i = close + 1;
      continue;
    } else if (RESERVED.has(c)) {
      return { ok: false, reason: `Character '${c}' is reserved and must be escaped with the preceding '\\'` };
    } else out += c;
    if (problem !== undefined) return { ok: false, reason: problem };
    i += 1;
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) {
    return { ok: false, reason: `Can't find end of ${NAMES[unclosed.type] ?? unclosed.type} entity at byte offset ${unclosed.byte}` };
  }
  if (quoteStart !== undefined) add("blockquote", quoteStart);
  return { ok: true, text: out, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

/** Index of the first unescaped `token` at or after `from`. */
function findClosing(source: string, from: number, token: string): number | undefined {
  for (let j = from; j < source.length; j += 1) {
    if (source[j] === "\\") j += 1;
    else if (source.startsWith(token, j)) return j;
  }
  return undefined;
}

function unescapeCode(body: string): string {
  return body.replace(/\\([`\\])/g, "$1");
}
