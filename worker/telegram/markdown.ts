/**
 * Markdown → Telegram text with entities.
 *
 * gpt-oss answers in GitHub-flavoured Markdown, and Telegram's own Markdown parse modes reject
 * anything unbalanced ("can't parse entities"), which streaming produces all the time. So we parse
 * with `marked`'s lexer, walk its tokens and emit plain text plus `MessageEntity` ranges, then
 * check the result against Telegram's nesting rules. Whatever the input (tables, LaTeX-ish text,
 * half a code fence), the renderer never throws and never returns entities Telegram would reject;
 * if its own output ever failed the check, it falls back to fewer entities, down to plain text.
 * https://core.telegram.org/bots/api#formatting-options
 */

import { Lexer, getDefaults } from "marked";
import type { Token, Tokens } from "marked";
import type { EntityType, FormattedText, MessageEntity } from "./formatted-text";
import { displayWidth, hasVisible, splitsSurrogatePair } from "./utf16";

/** Entity types that may contain, and sit inside, any entity other than `code` and `pre`. */
const FORMATTING: ReadonlySet<EntityType> = new Set([
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
]);
const LINK_SCHEMES: ReadonlySet<string> = new Set(["http:", "https:", "tg:", "mailto:"]);
const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

interface Marker {
  start: number | undefined;
}

/**
 * Accumulates text and entities. Block separators and list indentation are written lazily, only
 * when real content follows, and an entity starts where its first real content lands, so empty
 * blocks leave no stray blank lines and no zero-length or separator-only entities.
 */
class TextBuilder {
  text = "";
  readonly entities: MessageEntity[] = [];
  indent = "";
  private pendingBreak = "";
  private atLineStart = true;
  private waiting: Marker[] = [];

  /** Asks for `separator` ("\n" or "\n\n") before the next content; the longest request wins. */
  requestBreak(separator: string): void {
    if (separator.length > this.pendingBreak.length) this.pendingBreak = separator;
  }

  append(s: string): void {
    if (s === "") return;
    if (this.pendingBreak !== "") {
      this.write(this.pendingBreak);
      this.pendingBreak = "";
    }
    s.split("\n").forEach((line, k) => {
      if (k > 0) {
        this.resolve();
        this.write("\n");
      }
      if (line === "") return;
      if (this.atLineStart) this.write(this.indent);
      this.resolve();
      this.write(line);
    });
  }

  open(): Marker {
    const marker: Marker = { start: undefined };
    this.waiting.push(marker);
    return marker;
  }

  close(marker: Marker, entity: Omit<MessageEntity, "offset" | "length">): void {
    this.waiting = this.waiting.filter((m) => m !== marker);
    if (marker.start === undefined) return;
    const length = this.text.length - marker.start;
    if (length > 0) this.entities.push({ ...entity, offset: marker.start, length });
  }

  /** Appends whatever `render` writes, wrapped in one entity. */
  wrap(entity: Omit<MessageEntity, "offset" | "length">, render: () => void): void {
    const marker = this.open();
    render();
    this.close(marker, entity);
  }

  private write(s: string): void {
    this.text += s;
    this.atLineStart = s.endsWith("\n");
  }

  private resolve(): void {
    for (const marker of this.waiting) marker.start = this.text.length;
    this.waiting = [];
  }
}

interface InlineContext {
  /** Inside a `text_link`: Telegram lets a link contain only bold/italic/… entities. */
  inLink: boolean;
  /** Rendering a table cell or other plain-only text: no entities at all. */
  plain: boolean;
}

interface BlockContext {
  inQuote: boolean;
}

function decodeReferences(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-z]+);/g, (whole, ref: string) => {
    if (!ref.startsWith("#")) return NAMED_REFERENCES[ref] ?? whole;
    const cp = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const valid = cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    return valid ? String.fromCodePoint(cp) : whole;
  });
}

/** The URL Telegram will accept for a `text_link`, or undefined for other schemes and junk. */
function safeUrl(href: string): string | undefined {
  try {
    const url = new URL(href.trim());
    return LINK_SCHEMES.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function codeLanguage(lang: string | undefined): string | undefined {
  const word = lang?.trim().split(/\s+/)[0] ?? "";
  return /^[A-Za-z0-9_+#.-]{1,32}$/.test(word) ? word : undefined;
}

function children(token: Token): Token[] {
  const nested: unknown = (token as Tokens.Generic).tokens;
  return Array.isArray(nested) ? (nested as Token[]) : [];
}

function renderInline(b: TextBuilder, tokens: Token[], ctx: InlineContext): void {
  for (const token of tokens) renderInlineToken(b, token, ctx);
}

function styled(b: TextBuilder, type: EntityType, token: Token, ctx: InlineContext): void {
  if (ctx.plain) renderInline(b, children(token), ctx);
  else b.wrap({ type }, () => renderInline(b, children(token), ctx));
}

function renderInlineToken(b: TextBuilder, token: Token, ctx: InlineContext): void {
  const t = token as Tokens.Generic;
  switch (t.type) {
    case "text":
      if (t.tokens !== undefined) renderInline(b, children(t), ctx);
      else b.append(decodeReferences(String(t.text ?? "")));
      return;
    case "escape":
      b.append(String(t.text ?? ""));
      return;
    case "strong":
      styled(b, "bold", t, ctx);
      return;
    case "em":
      styled(b, "italic", t, ctx);
      return;
    case "del":
      // GFM also strikes through with single tildes, but "~5 to ~10" is not meant as deletion.
      if (t.raw.startsWith("~~")) styled(b, "strikethrough", t, ctx);
      else {
        b.append("~");
        renderInline(b, children(t), ctx);
        b.append("~");
      }
      return;
    case "codespan": {
      const code = String(t.text ?? "");
      if (ctx.plain || ctx.inLink) b.append(code);
      else b.wrap({ type: "code" }, () => b.append(code));
      return;
    }
    case "br":
      b.append("\n");
      return;
    case "link":
    case "image":
      renderLink(b, t, ctx);
      return;
    case "html":
      b.append(/^<br\s*\/?>$/i.test(String(t.text ?? "").trim()) ? "\n" : String(t.text ?? ""));
      return;
    case "checkbox":
      b.append(t.checked === true ? "☑ " : "☐ ");
      return;
    default:
      if (t.tokens !== undefined) renderInline(b, children(t), ctx);
      else b.append(String(t.raw));
  }
}

function renderLink(b: TextBuilder, t: Tokens.Generic, ctx: InlineContext): void {
  const href = String(t.href ?? "");
  const url = safeUrl(href);
  const label = (): void => {
    const before = b.text.length;
    const inner = { ...ctx, inLink: true };
    if (t.type === "image") b.append(String(t.text ?? ""));
    else renderInline(b, children(t), inner);
    if (b.text.length === before && url !== undefined) b.append(href.trim());
  };
  if (url === undefined || ctx.plain || ctx.inLink) label();
  else b.wrap({ type: "text_link", url }, label);
}

function renderBlocks(b: TextBuilder, tokens: Token[], separator: string, ctx: BlockContext): void {
  let emitted = false;
  for (const token of tokens) {
    if (token.type === "space" || token.type === "def") continue;
    if (emitted) b.requestBreak(separator);
    const before = b.text.length;
    renderBlock(b, token, ctx);
    emitted ||= b.text.length > before;
  }
}

function renderBlock(b: TextBuilder, token: Token, ctx: BlockContext): void {
  const inline: InlineContext = { inLink: false, plain: false };
  const t = token as Tokens.Generic;
  switch (t.type) {
    case "paragraph":
    case "text":
      renderInlineToken(b, { ...t, type: "text" } as Token, inline);
      return;
    case "heading":
      b.wrap({ type: "bold" }, () => renderInline(b, children(t), inline));
      return;
    case "code": {
      const language = codeLanguage(typeof t.lang === "string" ? t.lang : undefined);
      b.wrap({ type: "pre", ...(language !== undefined ? { language } : {}) }, () =>
        b.append(String(t.text ?? "")),
      );
      return;
    }
    case "blockquote":
      if (ctx.inQuote) renderBlocks(b, children(t), "\n", ctx);
      else b.wrap({ type: "blockquote" }, () => renderBlocks(b, children(t), "\n", { inQuote: true }));
      return;
    case "list":
      renderList(b, t as Tokens.List, ctx);
      return;
    case "table":
      b.wrap({ type: "pre" }, () => b.append(layoutTable(t as Tokens.Table)));
      return;
    case "hr":
      b.append("———");
      return;
    case "html":
      b.append(String(t.text ?? "").replace(/\s+$/, ""));
      return;
    default:
      renderInlineToken(b, t, inline);
  }
}

function renderList(b: TextBuilder, list: Tokens.List, ctx: BlockContext): void {
  const first = typeof list.start === "number" ? list.start : 1;
  list.items.forEach((item, i) => {
    if (i > 0) b.requestBreak("\n");
    const bullet = list.ordered ? `${first + i}. ` : "• ";
    const box = item.task ? (item.checked === true ? "☑ " : "☐ ") : "";
    b.append(list.ordered || box === "" ? bullet + box : box);
    const outer = b.indent;
    b.indent = outer + " ".repeat(bullet.length);
    renderBlocks(b, item.tokens.filter((c) => c.type !== "checkbox"), "\n", ctx);
    b.indent = outer;
  });
}

function cellText(cell: Tokens.TableCell): string {
  const b = new TextBuilder();
  renderInline(b, cell.tokens, { inLink: false, plain: true });
  return b.text.replace(/\s*\n\s*/g, " ").trim();
}

function pad(text: string, width: number, align: Tokens.TableCell["align"]): string {
  const gap = Math.max(0, width - displayWidth(text));
  if (align === "right") return " ".repeat(gap) + text;
  if (align === "center") return " ".repeat(Math.floor(gap / 2)) + text + " ".repeat(Math.ceil(gap / 2));
  return text + " ".repeat(gap);
}

/** A table as aligned monospace text: Telegram has no table entity, a `pre` block keeps columns. */
function layoutTable(table: Tokens.Table): string {
  const header = table.header.map(cellText);
  const rows = table.rows.map((row) => header.map((_, c) => (row[c] ? cellText(row[c]) : "")));
  const widths = header.map((h, c) => Math.max(1, displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => pad(cell, widths[c] ?? 0, table.align[c] ?? null)).join(" | ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Replaces unpaired surrogates (invalid UTF-16, which Telegram rejects) with U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

function byPosition(a: MessageEntity, b: MessageEntity): number {
  return a.offset - b.offset || b.length - a.length;
}

/**
 * Renders Markdown without the final safety check. Exported for property tests, which must see
 * the renderer's own output rather than the fallback; production code calls `renderMarkdown`.
 */
export function renderMarkdownUnchecked(markdown: string): FormattedText {
  const b = new TextBuilder();
  const lexer = new Lexer({ ...getDefaults(), gfm: true, breaks: false, pedantic: false });
  renderBlocks(b, lexer.lex(wellFormed(markdown)), "\n\n", { inQuote: false });
  const text = b.text.trimEnd();
  const entities = b.entities
    .map((e) => ({ ...e, length: Math.min(e.offset + e.length, text.length) - e.offset }))
    .filter((e) => e.length > 0 && hasVisible(text, e.offset, e.offset + e.length))
    .sort(byPosition);
  return { text, entities };
}

/**
 * Turns the model's Markdown into text plus Telegram entities. Never throws; the result always
 * passes `isValidEntities`. Unterminated markers (streaming) come out as literal text.
 */
export function renderMarkdown(markdown: string): FormattedText {
  let rendered: FormattedText;
  try {
    rendered = renderMarkdownUnchecked(markdown);
  } catch {
    return { text: wellFormed(markdown).trimEnd(), entities: [] };
  }
  if (findEntityProblem(rendered) === undefined) return rendered;
  const text = rendered.text;
  const kept = rendered.entities.filter((e) => findEntityProblem({ text, entities: [e] }) === undefined);
  return { text, entities: findEntityProblem({ text, entities: kept }) === undefined ? kept : [] };
}

/** May an entity of type `outer` contain one of type `inner`, per Telegram's nesting rules? */
function canContain(outer: EntityType, inner: EntityType): boolean {
  if (outer === "code" || outer === "pre") return false;
  if (FORMATTING.has(outer) || FORMATTING.has(inner)) return true;
  return outer === "blockquote" && inner !== "blockquote";
}

function singleEntityProblem(text: string, e: MessageEntity): string | undefined {
  const end = e.offset + e.length;
  if (!Number.isInteger(e.offset) || !Number.isInteger(e.length)) return "offset or length is not an integer";
  if (e.offset < 0 || e.length <= 0 || end > text.length) return "range is outside the text";
  if (splitsSurrogatePair(text, e.offset) || splitsSurrogatePair(text, end)) return "range splits a surrogate pair";
  if (e.type === "text_link" && (e.url === undefined || e.url === "")) return "text_link without url";
  if (!hasVisible(text, e.offset, end)) return "covers only whitespace";
  return undefined;
}

/**
 * The first reason Telegram would reject `ft`'s entities, or undefined when they are valid:
 * ranges inside the text and on code-point boundaries, non-empty and not whitespace-only,
 * `text_link` with a url, and nesting as Telegram allows it (no partial overlaps, nothing inside
 * `code`/`pre`, no blockquote in a blockquote, links and code not inside each other).
 */
export function findEntityProblem(ft: FormattedText): string | undefined {
  for (const [i, e] of ft.entities.entries()) {
    const problem = singleEntityProblem(ft.text, e);
    if (problem !== undefined) return `entity ${i} (${e.type}): ${problem}`;
  }
  const open: MessageEntity[] = [];
  for (const e of [...ft.entities].sort(byPosition)) {
    while (open.length > 0 && endOf(open[open.length - 1]) <= e.offset) open.pop();
    for (const outer of open) {
      if (endOf(e) > endOf(outer)) return `${e.type} at ${e.offset} partly overlaps ${outer.type} at ${outer.offset}`;
      const same = outer.offset === e.offset && outer.length === e.length;
      const allowed = canContain(outer.type, e.type) || (same && canContain(e.type, outer.type));
      if (!allowed) return `${e.type} at ${e.offset} may not nest with ${outer.type} at ${outer.offset}`;
    }
    open.push(e);
  }
  return undefined;
}

function endOf(e: MessageEntity | undefined): number {
  return e === undefined ? 0 : e.offset + e.length;
}

/** True when Telegram would accept `ft`'s entities (see `findEntityProblem`). */
export function isValidEntities(ft: FormattedText): boolean {
  return findEntityProblem(ft) === undefined;
}
