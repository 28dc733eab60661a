// The stand-in's own entity validator and parse_mode parsers, as pure functions.
import { describe, expect, it } from "vitest";
import { detectUserEntities, findEntityError } from "../../scripts/local-telegram/entities";
import { parseHtml } from "../../scripts/local-telegram/parse-html";
import { parseMarkdownV2 } from "../../scripts/local-telegram/parse-markdown-v2";

describe("findEntityError", () => {
  it("accepts properly nested entities", () => {
    const entities = [
      { type: "blockquote", offset: 0, length: 11 },
      { type: "bold", offset: 0, length: 5 },
      { type: "italic", offset: 2, length: 3 },
      { type: "text_link", offset: 6, length: 5, url: "https://example.org" },
    ];
    expect(findEntityError("quote world", entities)).toBeUndefined();
  });

  it("names the entity that runs past the text", () => {
    expect(findEntityError("abc", [{ type: "bold", offset: 1, length: 3 }])).toMatch(/#0 \(bold\) ends at UTF-16 offset 4, past the end of the text \(3\)/);
  });

  it("refuses a pre containing another entity and nested blockquotes", () => {
    expect(findEntityError("code here", [{ type: "pre", offset: 0, length: 9 }, { type: "bold", offset: 0, length: 4 }])).toMatch(/pre entity #0 must not contain/);
    expect(findEntityError("quote", [{ type: "blockquote", offset: 0, length: 5 }, { type: "blockquote", offset: 1, length: 2 }])).toMatch(/another blockquote/);
  });

  it("refuses a partial overlap whatever the order given", () => {
    expect(findEntityError("abcdef", [{ type: "italic", offset: 2, length: 4 }, { type: "bold", offset: 0, length: 3 }])).toMatch(/partially overlap/);
  });

  it("refuses an entity boundary inside a surrogate pair", () => {
    expect(findEntityError("a😀b", [{ type: "bold", offset: 0, length: 2 }])).toMatch(/surrogate pair/);
    expect(findEntityError("a😀b", [{ type: "bold", offset: 0, length: 3 }])).toBeUndefined();
  });
});

describe("detectUserEntities", () => {
  it("finds a leading command, mentions and links but no command mid-text", () => {
    expect(detectUserEntities("/start@my_bot see https://x.org/a, ask @someone")).toEqual([
      { type: "bot_command", offset: 0, length: 13 },
      { type: "url", offset: 18, length: 15 },
      { type: "mention", offset: 39, length: 8 },
    ]);
    expect(detectUserEntities("say /start")).toEqual([]);
  });
});

describe("parseMarkdownV2", () => {
  it("produces nested entities with UTF-16 offsets", () => {
    expect(parseMarkdownV2("😀 *bold _both_* ||hide|| [link](https://a.b/c\\)d)")).toEqual({
      ok: true,
      text: "😀 bold both hide link",
      entities: [
        { type: "bold", offset: 3, length: 9 },
        { type: "italic", offset: 8, length: 4 },
        { type: "spoiler", offset: 13, length: 4 },
        { type: "text_link", offset: 18, length: 4, url: "https://a.b/c)d" },
      ],
    });
  });

  it("keeps a code block's language and leaves its content unparsed", () => {
    expect(parseMarkdownV2("```python\nprint(*x*)\n```")).toEqual({ ok: true, text: "print(*x*)\n", entities: [{ type: "pre", offset: 0, length: 11, language: "python" }] });
  });

  it("turns > lines into one blockquote", () => {
    expect(parseMarkdownV2(">first\n>second\nafter")).toEqual({ ok: true, text: "first\nsecond\nafter", entities: [{ type: "blockquote", offset: 0, length: 12 }] });
  });

  it("reports an unclosed entity with its byte offset", () => {
    expect(parseMarkdownV2("é *open")).toEqual({ ok: false, reason: "Can't find end of Bold entity at byte offset 3" });
  });
});

describe("parseHtml", () => {
  it("decodes entities and nests tags", () => {
    expect(parseHtml("<b>a &lt; <i>b</i></b> <a href=\"https://x.y\">x</a> <tg-spoiler>s</tg-spoiler>")).toEqual({
      ok: true,
      text: "a < b x s",
      entities: [
        { type: "bold", offset: 0, length: 5 },
        { type: "italic", offset: 4, length: 1 },
        { type: "text_link", offset: 6, length: 1, url: "https://x.y" },
        { type: "spoiler", offset: 8, length: 1 },
      ],
    });
  });

  it("refuses unsupported and mismatched tags like Telegram", () => {
    expect(parseHtml("a <br> b")).toEqual({ ok: false, reason: 'Unsupported start tag "br" at byte offset 2' });
    expect(parseHtml("<b>x</i>")).toEqual({ ok: false, reason: 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"' });
    expect(parseHtml("<b>x")).toEqual({ ok: false, reason: 'Can\'t find end tag corresponding to start tag "b"' });
  });
});
