/**
 * A minimal HTML parser (`parse_mode: "HTML"`) with Telegram's tag set and error texts.
 * https://core.telegram.org/bots/api#html-style
 *
 * Supported tags: b/strong, i/em, u/ins, s/strike/del, tg-spoiler and span class="tg-spoiler",
 * a href, code, pre (with an inner code class="language-x"), blockquote [expandable]. Entities:
 * &lt; &gt; &amp; &quot; and numeric ones.
 */
import type { ParseResult } from "./parse-markdown-v2";
import type { MessageEntity } from "./types";

const TAG_TYPES: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface Open {
  tag: string;
  start: number;
  attrs: Record<string, string>;
}

function parseAttrs(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = m[1];
    if (name !== undefined) attrs[name.toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return NAMED[name] ?? whole;
  });
}

/** Parses Telegram HTML into text and entities. */
export function parseHtml(source: string): ParseResult {
  const encoder = new TextEncoder();
  const byteAt = (i: number): number => encoder.encode(source.slice(0, i)).length;
  let out = "";
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const chunkEnd = lt === -1 ? source.length : lt;
    out += decode(source.slice(i, chunkEnd));
    if (lt === -1) break;
    const gt = source.indexOf(">", lt);
    const closing = source[lt + 1] === "/";
    const name = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(source.slice(lt + (closing ? 2 : 1)))?.[0]?.toLowerCase() ?? "";
    if (gt === -1) return { ok: false, reason: `Can't find end of tag at byte offset ${byteAt(lt)}` };
    if (closing) {
      const open = stack.pop();
      if (open === undefined || open.tag !== name) {
        const expected = open === undefined ? "" : `, expected "</${open.tag}>"`;
        return { ok: false, reason: `Unmatched end tag at byte offset ${byteAt(lt)}${expected}, found "</${name}>"` };
      }
      close(open, out, entities, stack);
    } else {
      const attrs = parseAttrs(source.slice(lt + 1 + name.length, gt));
      const known = TAG_TYPES[name] !== undefined && (name !== "span" || attrs.class === "tg-spoiler");
      if (!known) return { ok: false, reason: `Unsupported start tag "${name}" at byte offset ${byteAt(lt)}` };
      if (name === "a" && (attrs.href ?? "") === "") return { ok: false, reason: `Can't find href of a link at byte offset ${byteAt(lt)}` };
      stack.push({ tag: name, start: out.length, attrs });
    }
    i = gt + 1;
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) return { ok: false, reason: `Can't find end tag corresponding to start tag "${unclosed.tag}"` };
  return { ok: true, text: out, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

function close(open: Open, out: string, entities: MessageEntity[], stack: Open[]): void {
  const length = out.length - open.start;
  if (length <= 0) return;
  const type = TAG_TYPES[open.tag] ?? open.tag;
  const base = { offset: open.start, length };
  if (type === "text_link") entities.push({ type, ...base, url: open.attrs.href ?? "" });
  else if (type === "blockquote") entities.push({ type: "expandable" in open.attrs ? "expandable_blockquote" : "blockquote", ...base });
  else if (type === "code" && stack[stack.length - 1]?.tag === "pre") {
    // <pre><code class="language-x"> is one pre entity carrying the language.
    const language = /language-(\S+)/.exec(open.attrs.class ?? "")?.[1];
    if (language !== undefined) stack[stack.length - 1] = { ...(stack[stack.length - 1] as Open), attrs: { language } };
  } else if (type === "pre") {
    entities.push(open.attrs.language === undefined ? { type, ...base } : { type, ...base, language: open.attrs.language });
  } else entities.push({ type, ...base });
}
