import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FormattedText } from "../../worker/telegram/formatted-text";
import { TELEGRAM_TEXT_LIMIT, plain } from "../../worker/telegram/formatted-text";
import { findEntityProblem, renderMarkdown } from "../../worker/telegram/markdown";
import { committedParts, splitFormatted } from "../../worker/telegram/split-message";
import { isHighSurrogate, isLowSurrogate } from "../../worker/telegram/utf16";

const texts = (parts: FormattedText[]): string[] => parts.map((p) => p.text);

describe("splitFormatted", () => {
  it("returns text within the limit as the same object", () => {
    const ft = renderMarkdown("**short** answer");
    const parts = splitFormatted(ft);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toBe(ft);
  });

  it("splits on a paragraph boundary", () => {
    const ft = plain("First para here.\n\nSecond para. More text here");
    expect(texts(splitFormatted(ft, 30))).toEqual(["First para here.", "Second para. More text here"]);
  });

  it("prefers a paragraph boundary over later line breaks", () => {
    const ft = plain("Intro.\n\nline a\nline b\nline c and more");
    expect(texts(splitFormatted(ft, 24))).toEqual(["Intro.", "line a\nline b", "line c and more"]);
  });

  it("splits on a line break when there is no blank line", () => {
    const ft = plain("line one. still\nline two. more words");
    expect(texts(splitFormatted(ft, 22))).toEqual(["line one. still", "line two. more words"]);
  });

  it("splits after a sentence end before splitting at a space", () => {
    expect(texts(splitFormatted(plain("One. Two three four five"), 12))).toEqual(["One.", "Two three", "four five"]);
  });

  it("splits after CJK full stops that have no space after them", () => {
    expect(texts(splitFormatted(plain("这是第一句。这是第二句。这是第三句"), 8))).toEqual([
      "这是第一句。",
      "这是第二句。",
      "这是第三句",
    ]);
  });

  it("hard-cuts a long word without splitting an emoji", () => {
    const parts = texts(splitFormatted(plain("😀".repeat(10)), 5));
    expect(parts).toEqual(["😀😀", "😀😀", "😀😀", "😀😀", "😀😀"]);
  });

  it("keeps a ZWJ emoji sequence whole when an earlier cut fits", () => {
    const family = "👨‍👩‍👧";
    expect(texts(splitFormatted(plain(`ab${family}cd`), 6))).toEqual(["ab", `👨‍👩‍`, "👧cd"]);
  });

  it("keeps the indentation of a line that starts a part", () => {
    const ft = plain("def f():\n    return 1\n    pass");
    expect(texts(splitFormatted(ft, 16))).toEqual(["def f():", "    return 1", "    pass"]);
  });

  it("clips entities to each part and re-bases them", () => {
    const ft = renderMarkdown("x **aaa bbb ccc** [link](https://e.com/)");
    expect(splitFormatted(ft, 9)).toEqual([
      { text: "x aaa bbb", entities: [{ type: "bold", offset: 2, length: 7 }] },
      { text: "ccc link", entities: [{ type: "bold", offset: 0, length: 3 }, { type: "text_link", offset: 4, length: 4, url: "https://e.com/" }] },
    ]);
  });

  it("continues a code block cut across parts as pre with the same language", () => {
    const ft = renderMarkdown("```py\na = 1\nb = 2\nc = 3\n```");
    expect(splitFormatted(ft, 12)).toEqual([
      { text: "a = 1\nb = 2", entities: [{ type: "pre", offset: 0, length: 11, language: "py" }] },
      { text: "c = 3", entities: [{ type: "pre", offset: 0, length: 5, language: "py" }] },
    ]);
  });

  it("returns no parts for long whitespace-only text", () => {
    expect(splitFormatted(plain(" \n".repeat(50)), 20)).toEqual([]);
  });

  it("rejects a limit below 2", () => {
    expect(() => splitFormatted(plain("abc"), 1)).toThrow(RangeError);
  });
});

describe("committedParts", () => {
  it("holds back everything while the text fits in one message", () => {
    const ft = renderMarkdown("still **streaming**");
    expect(committedParts(ft, 100)).toEqual({ done: [], tail: ft });
  });

  it("commits the parts before the last limit's worth of text", () => {
    const { done, tail } = committedParts(plain("aaa bbb ccc ddd"), 8);
    expect(texts(done)).toEqual(["aaa bbb"]);
    expect(tail.text).toBe("ccc ddd");
  });
});

// ---- properties -------------------------------------------------------------------------------

const WORDS = [
  "word", "Satz", "mot", "中文字符", "日本語", "。", "！", "？", ". ", "! ", "? ", " ", "  ", "\n", "\n\n", "😀",
  "👨‍👩‍👧", "🇺🇸", "e\u0301", "    ", "مرحبا", "नमस्ते।", "averyveryverylongwordwithoutanyspacesatall", "\t",
];
const MARKDOWN = [
  "**", "_", "`", "```py\n", "\n```\n", "[a](http://x)", "\n\n", "😀", "中文", "- ", "> ", "| a | b |\n|---|---|\n",
  "text ", "more words. ", "# ", "1. ", "\n",
];
const joined = (pool: string[], maxLength: number, minLength = 0): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...pool), { minLength, maxLength, size: "max" }).map((p) => p.join(""));

const formatted: fc.Arbitrary<FormattedText> = fc.oneof(
  joined(WORDS, 120).map(plain),
  fc.string({ unit: "binary", maxLength: 400 }).map(plain),
  fc.string({ unit: "grapheme", maxLength: 400 }).map(plain),
  joined([...MARKDOWN, ...WORDS], 150).map(renderMarkdown),
);
const longFormatted: fc.Arbitrary<FormattedText> = fc.oneof(
  joined(WORDS, 4000, 2000).map(plain),
  joined([...MARKDOWN, ...WORDS], 4000, 2000).map(renderMarkdown),
);

/** True when `parts` joined give `original` with only whitespace removed between or around them. */
function reassembles(original: string, parts: string[]): boolean {
  const from = (pos: number, k: number): boolean => {
    const part = parts[k];
    if (part === undefined) return /^\s*$/.test(original.slice(pos));
    for (let j = pos; j <= original.length; j++) {
      if (original.startsWith(part, j) && from(j + part.length, k + 1)) return true;
      if (!/\s/.test(original.charAt(j))) return false;
    }
    return false;
  };
  return from(0, 0);
}

function checkParts(ft: FormattedText, parts: FormattedText[], limit: number): void {
  for (const part of parts) {
    expect(part.text.length).toBeLessThanOrEqual(limit);
    expect(part.text).toMatch(/\S/);
    expect(isLowSurrogate(part.text.charCodeAt(0))).toBe(false);
    expect(isHighSurrogate(part.text.charCodeAt(part.text.length - 1))).toBe(false);
    expect(findEntityProblem(part)).toBeUndefined();
  }
  expect(reassembles(ft.text, texts(parts))).toBe(true);
}

describe("splitFormatted properties", () => {
  it("gives valid parts within small limits that reassemble into the original", () => {
    fc.assert(
      fc.property(formatted, fc.integer({ min: 20, max: 200 }), (ft, limit) => {
        const parts = splitFormatted(ft, limit);
        if (ft.text.length > limit) checkParts(ft, parts, limit);
        else expect(parts).toEqual([ft]);
      }),
      { numRuns: 200 },
    );
  });

  it("gives valid parts at Telegram's limit for long mixed-script texts", () => {
    fc.assert(
      fc.property(longFormatted, (ft) => {
        const parts = splitFormatted(ft);
        expect(ft.text.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT);
        checkParts(ft, parts, TELEGRAM_TEXT_LIMIT);
      }),
      { numRuns: 25 },
    );
  });

  it("handles tiny limits without breaking surrogate pairs", () => {
    fc.assert(
      fc.property(joined(WORDS, 40).map(plain), fc.integer({ min: 2, max: 6 }), (ft, limit) => {
        if (ft.text.length > limit) checkParts(ft, splitFormatted(ft, limit), limit);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every part's entities as clipped originals of the same kind", () => {
    fc.assert(
      fc.property(joined([...MARKDOWN, ...WORDS], 150).map(renderMarkdown), fc.integer({ min: 20, max: 120 }), (ft, limit) => {
        for (const part of splitFormatted(ft, limit)) {
          for (const e of part.entities) {
            const source = ft.entities.some((o) => o.type === e.type && o.url === e.url && o.language === e.language);
            expect(source).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("committedParts properties", () => {
  it("never changes a committed part as the text grows", () => {
    fc.assert(
      fc.property(formatted, fc.integer({ min: 20, max: 120 }), fc.nat(), (ft, limit, cut) => {
        const shorter = plain(ft.text.slice(0, cut % (ft.text.length + 1)));
        const early = texts(committedParts(shorter, limit).done);
        const late = texts(committedParts(plain(ft.text), limit).done);
        expect(late.slice(0, early.length)).toEqual(early);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with splitFormatted once the text is complete", () => {
    fc.assert(
      fc.property(formatted, fc.integer({ min: 20, max: 120 }), (ft, limit) => {
        fc.pre(ft.text.length > limit);
        const { done, tail } = committedParts(ft, limit);
        const expected = /\S/.test(tail.text) ? [...done, tail] : done;
        expect(splitFormatted(ft, limit)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
