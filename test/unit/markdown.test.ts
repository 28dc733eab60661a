import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FormattedText, MessageEntity } from "../../worker/telegram/formatted-text";
import {
  findEntityProblem,
  isValidEntities,
  renderMarkdown,
  renderMarkdownUnchecked,
} from "../../worker/telegram/markdown";

function entity(type: MessageEntity["type"], offset: number, length: number, extra: Partial<MessageEntity> = {}): MessageEntity {
  return { type, offset, length, ...extra };
}

describe("renderMarkdown: inline constructs", () => {
  it("renders bold, italic and strikethrough in both marker styles", () => {
    expect(renderMarkdown("**a** __b__ *c* _d_ ~~e~~")).toEqual({
      text: "a b c d e",
      entities: [entity("bold", 0, 1), entity("bold", 2, 1), entity("italic", 4, 1), entity("italic", 6, 1), entity("strikethrough", 8, 1)],
    });
  });

  it("nests italic inside bold", () => {
    expect(renderMarkdown("**a *b* c**")).toEqual({
      text: "a b c",
      entities: [entity("bold", 0, 5), entity("italic", 2, 1)],
    });
  });

  it("renders inline code without interpreting markers inside it", () => {
    expect(renderMarkdown("run `a **b** <c>` now")).toEqual({
      text: "run a **b** <c> now",
      entities: [entity("code", 4, 11)],
    });
  });

  it("keeps single tildes literal, as in approximate numbers", () => {
    expect(renderMarkdown("~5~ and ~10")).toEqual({ text: "~5~ and ~10", entities: [] });
  });

  it("turns http, https, tg and mailto links into text_link", () => {
    const out = renderMarkdown("[a](https://e.com/x) [b](tg://resolve?domain=bot) [c](mailto:me@e.com)");
    expect(out).toEqual({
      text: "a b c",
      entities: [
        entity("text_link", 0, 1, { url: "https://e.com/x" }),
        entity("text_link", 2, 1, { url: "tg://resolve?domain=bot" }),
        entity("text_link", 4, 1, { url: "mailto:me@e.com" }),
      ],
    });
  });

  it("leaves links with other schemes as plain text", () => {
    expect(renderMarkdown("[click](javascript:alert(1)) [f](ftp://x/y)")).toEqual({ text: "click f", entities: [] });
  });

  it("shows the address when a link has no label", () => {
    expect(renderMarkdown("see [](https://e.com/a)")).toEqual({
      text: "see https://e.com/a",
      entities: [entity("text_link", 4, 15, { url: "https://e.com/a" })],
    });
  });

  it("drops code formatting inside a link, which Telegram rejects", () => {
    expect(renderMarkdown("[**x** `y`](https://e.com/)")).toEqual({
      text: "x y",
      entities: [entity("text_link", 0, 3, { url: "https://e.com/" }), entity("bold", 0, 1)],
    });
  });

  it("renders an image as its alt text linked to the image", () => {
    expect(renderMarkdown("![a cat](https://e.com/cat.png)")).toEqual({
      text: "a cat",
      entities: [entity("text_link", 0, 5, { url: "https://e.com/cat.png" })],
    });
  });

  it("resolves backslash escapes and character references", () => {
    expect(renderMarkdown("\\*not italic\\* &amp; &lt;b&gt; &#128512;")).toEqual({
      text: "*not italic* & <b> 😀",
      entities: [],
    });
  });

  it("shows HTML as text", () => {
    expect(renderMarkdown("a <b>bold?</b> c")).toEqual({ text: "a <b>bold?</b> c", entities: [] });
  });

  it("turns a hard line break into a newline", () => {
    expect(renderMarkdown("one  \ntwo")).toEqual({ text: "one\ntwo", entities: [] });
  });

  it("counts offsets in UTF-16 code units after an emoji", () => {
    expect(renderMarkdown("😀 **bold**")).toEqual({ text: "😀 bold", entities: [entity("bold", 3, 4)] });
  });

  it("counts offsets in UTF-16 code units after a ZWJ family and CJK", () => {
    const out = renderMarkdown("👨‍👩‍👧 中文 *x*");
    expect(out.entities).toEqual([entity("italic", 12, 1)]);
    expect(out.text.slice(12, 13)).toBe("x");
  });
});

describe("renderMarkdown: blocks", () => {
  it("separates paragraphs with one blank line", () => {
    expect(renderMarkdown("one\n\n\n\ntwo\nthree")).toEqual({ text: "one\n\ntwo\nthree", entities: [] });
  });

  it("renders a heading as a bold line", () => {
    expect(renderMarkdown("## Setup *now*\ntext")).toEqual({
      text: "Setup now\n\ntext",
      entities: [entity("bold", 0, 9), entity("italic", 6, 3)],
    });
  });

  it("renders a fenced code block as pre with its language", () => {
    expect(renderMarkdown("Try:\n\n```python\nprint('**hi**')\n```")).toEqual({
      text: "Try:\n\nprint('**hi**')",
      entities: [entity("pre", 6, 15, { language: "python" })],
    });
  });

  it("renders a code block without language as pre without language", () => {
    expect(renderMarkdown("```\na < b\n```")).toEqual({ text: "a < b", entities: [entity("pre", 0, 5)] });
  });

  it("renders an unterminated fence while streaming as pre to the end", () => {
    expect(renderMarkdown("```js\nlet x = 1;\nlet y")).toEqual({
      text: "let x = 1;\nlet y",
      entities: [entity("pre", 0, 16, { language: "js" })],
    });
  });

  it("renders bullet lists with nested lists indented", () => {
    expect(renderMarkdown("- a\n- **b**\n  - c\n  - d\n- e")).toEqual({
      text: "• a\n• b\n  • c\n  • d\n• e",
      entities: [entity("bold", 6, 1)],
    });
  });

  it("renders ordered lists from their start number", () => {
    expect(renderMarkdown("3. three\n4. four")).toEqual({ text: "3. three\n4. four", entities: [] });
  });

  it("renders task list items with boxes", () => {
    expect(renderMarkdown("- [ ] todo\n- [x] done")).toEqual({ text: "☐ todo\n☑ done", entities: [] });
  });

  it("renders a blockquote as a blockquote entity, flattening nested quotes", () => {
    expect(renderMarkdown("> said **this**\n> > and that\n\nafter")).toEqual({
      text: "said this\nand that\n\nafter",
      entities: [entity("blockquote", 0, 18), entity("bold", 5, 4)],
    });
  });

  it("renders a table as an aligned pre block", () => {
    const out = renderMarkdown("| Model | Speed |\n|:--|--:|\n| **gpt-oss** | 420 |\n| tiny | 5 |");
    expect(out).toEqual({
      text: "Model   | Speed\n--------+------\ngpt-oss |   420\ntiny    |     5",
      entities: [entity("pre", 0, 63)],
    });
  });

  it("aligns table columns holding CJK by display width", () => {
    const out = renderMarkdown("| a | b |\n|---|---|\n| 中文 | x |");
    expect(out.text).toBe("a    | b\n-----+--\n中文 | x");
  });

  it("renders a horizontal rule as a line of dashes", () => {
    expect(renderMarkdown("above\n\n---\n\nbelow")).toEqual({ text: "above\n\n———\n\nbelow", entities: [] });
  });

  it("trims trailing whitespace", () => {
    expect(renderMarkdown("text   \n\n\n")).toEqual({ text: "text", entities: [] });
  });
});

describe("renderMarkdown: input that breaks Telegram's own parser", () => {
  it("keeps an unterminated bold marker as literal text", () => {
    expect(renderMarkdown("this is **bold")).toEqual({ text: "this is **bold", entities: [] });
  });

  it("keeps unbalanced underscores in LaTeX-ish text literal", () => {
    expect(renderMarkdown("$x_1 + y_2$ and a_b")).toEqual({ text: "$x_1 + y_2$ and a_b", entities: [] });
  });

  it("drops entities that would cover only whitespace", () => {
    expect(renderMarkdown("a ` ` b\n\n```\n   \n```")).toEqual({ text: "a   b", entities: [] });
  });

  it("replaces unpaired surrogates so the text is valid UTF-16", () => {
    expect(renderMarkdown("a\ud83d **b**")).toEqual({ text: "a\ufffd b", entities: [entity("bold", 3, 1)] });
  });

  it("returns empty text for empty input", () => {
    expect(renderMarkdown("")).toEqual({ text: "", entities: [] });
  });
});

describe("findEntityProblem", () => {
  const text = "ab 😀 cd";
  const check = (entities: MessageEntity[]): string | undefined => findEntityProblem({ text, entities });

  it("accepts properly nested entities", () => {
    expect(check([entity("bold", 0, 8), entity("italic", 0, 2), entity("code", 6, 2)])).toBeUndefined();
  });

  it("rejects a zero length and a range past the end", () => {
    expect(check([entity("bold", 0, 0)])).toMatch(/outside/);
    expect(check([entity("bold", 6, 3)])).toMatch(/outside/);
  });

  it("rejects a range that splits an emoji's surrogate pair", () => {
    expect(check([entity("bold", 4, 2)])).toMatch(/surrogate/);
    expect(check([entity("bold", 0, 4)])).toMatch(/surrogate/);
  });

  it("rejects partial overlaps", () => {
    expect(check([entity("bold", 0, 3), entity("italic", 1, 5)])).toMatch(/overlaps/);
  });

  it("rejects anything inside code or pre", () => {
    expect(check([entity("code", 0, 8), entity("bold", 0, 2)])).toMatch(/nest/);
    expect(check([entity("pre", 0, 2), entity("pre", 0, 2)])).toMatch(/nest/);
  });

  it("rejects code inside a link and a blockquote inside a blockquote", () => {
    expect(check([entity("text_link", 0, 8, { url: "https://e.com/" }), entity("code", 0, 2)])).toMatch(/nest/);
    expect(check([entity("blockquote", 0, 8), entity("blockquote", 0, 2)])).toMatch(/nest/);
  });

  it("rejects a text_link without url and a whitespace-only entity", () => {
    expect(check([entity("text_link", 0, 2)])).toMatch(/url/);
    expect(check([entity("bold", 2, 1)])).toMatch(/whitespace/);
  });

  it("isValidEntities agrees with findEntityProblem", () => {
    expect(isValidEntities({ text, entities: [entity("bold", 0, 2)] })).toBe(true);
    expect(isValidEntities({ text, entities: [entity("bold", 0, 0)] })).toBe(false);
  });
});

const FRAGMENTS = [
  "**", "__", "_", "*", "~~", "~", "`", "```", "```py\n", "\n```\n", "[a](http://x)", "[", "](", ")",
  "![i](https://e.com/i.png)", "[c `d`](https://e.com)", "<b>", "\\*", "&amp;", "\n", "\n\n", "😀", "👨‍👩‍👧",
  "中文", "。", "- ", "  - ", "1. ", "> ", "> > ", "# ", "---\n", "| a | b |\n|---|---|\n", "| 1 | 2 |\n",
  "$x_1$", "\\(a\\)", " ", "  ", "word", "x", "\t", "https://e.com ",
];
const markdownish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40, size: "max" }).map((parts) => parts.join(""));
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200, size: "max" }),
  fc.string({ unit: "grapheme", maxLength: 200, size: "max" }),
  fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((u) => String.fromCharCode(u)), maxLength: 20 }),
);

function expectValid(ft: FormattedText): void {
  expect(findEntityProblem(ft)).toBeUndefined();
}

describe("renderMarkdown properties", () => {
  it("never throws and produces valid entities for arbitrary strings", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expectValid(renderMarkdownUnchecked(s));
      }),
      { numRuns: 200 },
    );
  });

  it("produces valid entities for Markdown-ish fragments, streamed or whole", () => {
    fc.assert(
      fc.property(markdownish, fc.nat(), (s, cut) => {
        expectValid(renderMarkdownUnchecked(s));
        expectValid(renderMarkdownUnchecked(s.slice(0, cut % (s.length + 1))));
        expectValid(renderMarkdown(s));
      }),
      { numRuns: 200 },
    );
  });

  it("never ends its text with whitespace", () => {
    fc.assert(
      fc.property(markdownish, (s) => {
        expect(renderMarkdown(s).text).not.toMatch(/\s$/);
      }),
      { numRuns: 200 },
    );
  });
});
