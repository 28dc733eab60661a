/**
 * Splitting a rendered answer into Telegram messages of at most 4096 UTF-16 code units.
 *
 * A cut prefers, in order: a blank line, a line break, a sentence end (including CJK full stops
 * that take no space after them), any whitespace, and only then a hard cut, which never splits a
 * surrogate pair and avoids splitting an emoji ZWJ sequence or an accent when it can. Whitespace at
 * a cut is dropped, nothing else; entities are clipped to each part, so a code block cut in two
 * continues as a `pre` with the same language in the next message.
 *
 * Every cut is chosen from the first `limit` units of what remains (plus one unit of lookahead),
 * and only once what remains is longer than `limit`. So while an answer streams in, a part that
 * `committedParts` reports as done never changes as more text arrives: it can be sent for good.
 */

import type { FormattedText, MessageEntity } from "./formatted-text";
import { TELEGRAM_TEXT_LIMIT } from "./formatted-text";
import { codePointLength, hasVisible, isWhitespaceUnit, splitsGrapheme, splitsSurrogatePair } from "./utf16";

type Range = readonly [start: number, end: number];

const NEWLINE = 0x0a;
/** A blank line: a line break, optional spaces, another line break. */
const PARAGRAPH = /\n[^\S\n]*\n/g;
/** Latin-style sentence end: punctuation, optional closing quotes, then whitespace. */
const SENTENCE_SPACED = /[.!?…][)\]"'»”’]*(?=\s)/g;
/** CJK, Devanagari and Arabic sentence ends: no space needed after them. */
const SENTENCE_UNSPACED = /[。！？｡．।॥؟۔][)\]"'»”’」』）】〕]*/g;

/** Index just after the last match of `pattern` in `window` whose end lies in (minEnd, max]. */
function lastMatchEnd(pattern: RegExp, window: string, minEnd: number, max: number, atStart: boolean): number {
  let best = -1;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(window); m !== null; m = pattern.exec(window)) {
    const cut = atStart ? m.index : m.index + m[0].length;
    if (cut > minEnd && cut <= max) best = cut;
    if (m[0].length === 0) pattern.lastIndex += 1;
  }
  return best;
}

/**
 * Where the part that starts at `start` ends (exclusive, before trimming). Reads only
 * `text[start .. start + limit]`, which exists because the caller cuts only when more than
 * `limit` units remain.
 */
function chooseCut(text: string, start: number, limit: number): number {
  const window = text.slice(start, start + limit + 1);
  let firstVisible = 0;
  while (isWhitespaceUnit(window.charCodeAt(firstVisible))) firstVisible += 1;
  const candidates = [
    lastMatchEnd(PARAGRAPH, window, firstVisible, limit, true),
    lastMatchEnd(/\n/g, window, firstVisible, limit, true),
    Math.max(
      lastMatchEnd(SENTENCE_SPACED, window, firstVisible, limit, false),
      lastMatchEnd(SENTENCE_UNSPACED, window, firstVisible, limit, false),
    ),
    lastMatchEnd(/\s/g, window, firstVisible, limit, true),
  ];
  const preferred = candidates.find((cut) => cut > 0);
  if (preferred !== undefined) return start + preferred;
  return start + hardCut(window, firstVisible, limit);
}

/** The latest cut at or before `limit` that keeps graphemes whole, else one that keeps code points. */
function hardCut(window: string, firstVisible: number, limit: number): number {
  let cut = splitsSurrogatePair(window, limit) ? limit - 1 : limit;
  const codePointSafe = cut;
  while (cut > firstVisible + 1 && splitsGrapheme(window, cut)) cut -= 1;
  return splitsGrapheme(window, cut) ? codePointSafe : cut;
}

/**
 * Where the next part starts after a cut at `from`: past the whitespace there, but keeping the
 * indentation of the line the part starts on (code stays readable). At the very start of the text
 * (`atCut` false) only blank lines are skipped. Indentation too wide to fit is dropped as well.
 */
function nextStart(text: string, from: number, limit: number, atCut: boolean): number {
  let visible = from;
  while (visible < text.length && isWhitespaceUnit(text.charCodeAt(visible))) visible += 1;
  if (visible === text.length) return visible;
  const lastNewline = text.lastIndexOf("\n", visible - 1);
  let start = lastNewline >= from ? lastNewline + 1 : atCut ? visible : from;
  if (visible + codePointLength(text, visible) - start > limit) start = visible;
  return start;
}

function trimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && isWhitespaceUnit(text.charCodeAt(e - 1))) e -= 1;
  return e;
}

interface Layout {
  done: Range[];
  tailStart: number;
}

function layout(text: string, limit: number): Layout {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`message limit must be an integer >= 2, got ${limit}`);
  const done: Range[] = [];
  let start = nextStart(text, 0, limit, false);
  while (text.length - start > limit) {
    const cut = chooseCut(text, start, limit);
    done.push([start, trimmedEnd(text, start, cut)]);
    start = nextStart(text, cut, limit, true);
  }
  return { done, tailStart: start };
}

/** The part of `ft` in `[start, end)`, with entities clipped to it and re-based. */
function slice(ft: FormattedText, [start, end]: Range): FormattedText {
  const text = ft.text.slice(start, end);
  const entities: MessageEntity[] = [];
  for (const e of ft.entities) {
    const from = Math.max(e.offset, start);
    const to = Math.min(e.offset + e.length, end);
    if (to > from && hasVisible(ft.text, from, to)) entities.push({ ...e, offset: from - start, length: to - from });
  }
  return { text, entities };
}

/**
 * Splits `ft` into messages of at most `limit` UTF-16 code units (see the module comment for where
 * it cuts). Text within the limit comes back as `[ft]`, untouched. No part is empty or only
 * whitespace; joined, the parts are the original text minus whitespace at the cuts.
 * @throws RangeError when `limit` is not an integer of at least 2.
 */
export function splitFormatted(ft: FormattedText, limit: number = TELEGRAM_TEXT_LIMIT): FormattedText[] {
  if (ft.text.length <= limit) return [ft];
  const { done, tailStart } = layout(ft.text, limit);
  const parts = done.map((range) => slice(ft, range));
  const tailEnd = trimmedEnd(ft.text, tailStart, ft.text.length);
  if (tailEnd > tailStart) parts.push(slice(ft, [tailStart, tailEnd]));
  return parts;
}

/**
 * For an answer still streaming: the parts that are final (`done`: more than `limit` units follow
 * their start, so the cut cannot move) and the rest (`tail`, possibly empty, to show as a draft).
 * If `a` is a prefix of `b`, the `done` parts of `a` are a prefix of those of `b`, same texts.
 */
export function committedParts(
  ft: FormattedText,
  limit: number = TELEGRAM_TEXT_LIMIT,
): { done: FormattedText[]; tail: FormattedText } {
  const { done, tailStart } = layout(ft.text, limit);
  const tailEnd = trimmedEnd(ft.text, tailStart, ft.text.length);
  return { done: done.map((range) => slice(ft, range)), tail: slice(ft, [tailStart, tailEnd]) };
}
