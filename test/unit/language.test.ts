import { describe, expect, it } from "vitest";
import { detectLanguage, languageName } from "../../worker/chat/language";

describe("detectLanguage on real sentences", () => {
  const cases: [string, string, string][] = [
    ["en", "Can you help me understand why my Python script is so slow?", "en"],
    ["de", "Kannst du mir erklären, warum mein Python-Skript so langsam ist?", "de"],
    ["fr", "Peux-tu m'expliquer pourquoi mon script Python est si lent ?", "fr"],
    ["es", "¿Puedes explicarme por qué mi script de Python es tan lento?", "es"],
    ["ru", "Можешь объяснить, почему мой скрипт на Python такой медленный?", "ru"],
    ["zh", "你能解释一下为什么我的 Python 脚本这么慢吗？", "zh"],
    ["it", "Puoi spiegarmi perché il mio script Python è così lento?", "en"],
    ["ja", "私のPythonスクリプトがなぜこんなに遅いのか説明してくれますか？", "en"],
    ["uk", "Можеш пояснити, чому мій скрипт на Python такий повільний?", "en"],
    ["pt", "Você pode me explicar por que meu script Python é tão lento?", "en"],
  ];

  for (const [expected, text, ui] of cases) {
    it(`recognizes ${expected}`, () => {
      expect(detectLanguage(text)).toEqual({ code: expected, ui, source: "text" });
    });
  }

  it("trusts the text over a different interface language", () => {
    const result = detectLanguage("Wie kann ich in TypeScript eine Datei Zeile für Zeile lesen?", "en");
    expect(result).toEqual({ code: "de", ui: "de", source: "text" });
  });

  it("picks the interface from the hint when the text's language has none", () => {
    expect(detectLanguage("Puoi spiegarmi perché il mio script Python è così lento?", "de")).toEqual({
      code: "it",
      ui: "de",
      source: "text",
    });
  });

  it("ignores code blocks and links when judging the language", () => {
    const text = "Warum stürzt das ab?\n```\nconst value = items.map((item) => item.name).join(', ');\n```\nhttps://example.com/some/english/page";
    expect(detectLanguage(text, "en").code).toBe("de");
  });

  it("keeps English with a few Chinese characters as English", () => {
    expect(detectLanguage("What does 你好 mean in English?").code).toBe("en");
  });
});

describe("detectLanguage on short texts", () => {
  it("uses the hint for greetings too short to judge", () => {
    expect(detectLanguage("hi", "de")).toEqual({ code: "de", ui: "de", source: "hint" });
    expect(detectLanguage("ok", "fr-CA")).toEqual({ code: "fr", ui: "fr", source: "hint" });
    expect(detectLanguage("Hallo", "es")).toEqual({ code: "es", ui: "es", source: "hint" });
  });

  it("falls back to English with neither a readable text nor a hint", () => {
    expect(detectLanguage("ok")).toEqual({ code: "en", ui: "en", source: "default" });
  });

  it("uses the hint for emoji-only messages", () => {
    expect(detectLanguage("👍🎉😀", "ru")).toEqual({ code: "ru", ui: "ru", source: "hint" });
    expect(detectLanguage("👍🎉😀")).toEqual({ code: "en", ui: "en", source: "default" });
  });

  it("reads CJK by script even when very short", () => {
    expect(detectLanguage("谢谢", "en")).toEqual({ code: "zh", ui: "zh", source: "text" });
    expect(detectLanguage("ありがとう", "en")).toEqual({ code: "ja", ui: "en", source: "text" });
    expect(detectLanguage("감사합니다")).toMatchObject({ code: "ko", source: "text" });
  });

  it("reads kanji-only text as Japanese when the user's interface is Japanese", () => {
    expect(detectLanguage("東京", "ja").code).toBe("ja");
    expect(detectLanguage("東京", "en").code).toBe("zh");
  });

  it("gives a Ukrainian user with a Ukrainian hint an English interface, never Russian", () => {
    expect(detectLanguage("Дякую", "uk")).toEqual({ code: "uk", ui: "en", source: "hint" });
  });
});

describe("languageName", () => {
  it("names languages in English for the system prompt", () => {
    expect(languageName("de")).toBe("German");
    expect(languageName("zh")).toBe("Chinese");
    expect(languageName("uk")).toBe("Ukrainian");
    expect(languageName("pt-BR")).toBe("Portuguese");
    expect(languageName("ca")).toBe("Catalan");
  });

  it("returns an unknown code unchanged", () => {
    expect(languageName("xx")).toBe("xx");
  });
});
