/**
 * Character-level helpers for text measured the way Telegram measures it: in UTF-16 code units.
 *
 * Telegram counts message length and entity offsets in UTF-16 code units, which is what JavaScript
 * string indices are. These helpers answer the questions the renderer and the splitter ask about
 * an index: does it fall inside a surrogate pair (an emoji would be torn in half), inside a
 * grapheme (a ZWJ family emoji, a flag, an accented letter), and how wide text looks in a
 * monospace block (for aligning tables). They deliberately avoid `Intl.Segmenter` so the answers
 * are identical in Node and workerd and cheap enough to call per cut.
 */

/** True for a UTF-16 high (leading) surrogate code unit. */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** True for a UTF-16 low (trailing) surrogate code unit. */
export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True when index `i` lies between the two halves of a surrogate pair in `text`. */
export function splitsSurrogatePair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  return isHighSurrogate(text.charCodeAt(i - 1)) && isLowSurrogate(text.charCodeAt(i));
}

/** Length in code units (1 or 2) of the code point that starts at index `i`. */
export function codePointLength(text: string, i: number): number {
  const cp = text.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

const ZWJ = 0x200d;
const EXTENDING = /^[\p{M}\u200c\u200d\ufe00-\ufe0f\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]$/u;
const REGIONAL_INDICATOR = /^[\u{1f1e6}-\u{1f1ff}]$/u;

function codePointBefore(text: string, i: number): string {
  if (i >= 2 && splitsSurrogatePair(text, i - 1)) return text.slice(i - 2, i);
  return text.slice(i - 1, i);
}

function codePointAt(text: string, i: number): string {
  return text.slice(i, i + codePointLength(text, i));
}

/**
 * True when cutting `text` at index `i` would split a user-perceived character: a surrogate pair,
 * a combining mark or variation selector from its base, a ZWJ sequence, a skin-tone modifier or
 * a regional-indicator flag. A heuristic subset of UAX #29, enough for emoji and accents.
 */
export function splitsGrapheme(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  if (splitsSurrogatePair(text, i)) return true;
  if (text.charCodeAt(i - 1) === ZWJ) return true;
  const next = codePointAt(text, i);
  if (EXTENDING.test(next)) return true;
  if (!REGIONAL_INDICATOR.test(next)) return false;
  // Flags are pairs of regional indicators: a cut is inside one after an odd count of them.
  let count = 0;
  let j = i;
  while (j > 0) {
    const prev = codePointBefore(text, j);
    if (!REGIONAL_INDICATOR.test(prev)) break;
    count += 1;
    j -= prev.length;
  }
  return count % 2 === 1;
}

/** True for whitespace as the splitter and the renderer understand it. */
export function isWhitespaceUnit(unit: number): boolean {
  return (
    unit === 0x20 ||
    (unit >= 0x09 && unit <= 0x0d) ||
    unit === 0xa0 ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

/** True when `text` has at least one non-whitespace character between `from` and `to`. */
export function hasVisible(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) {
    if (!isWhitespaceUnit(text.charCodeAt(i))) return true;
  }
  return false;
}

const WIDE =
  /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;
const ZERO_WIDTH = /^[\p{M}\u200b-\u200f\ufe00-\ufe0f\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]$/u;

/**
 * Approximate column width of `text` in a monospace font: East Asian wide characters and most
 * emoji take two columns, combining marks and joiners none. Used to align table columns.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}
