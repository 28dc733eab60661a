import { describe, expect, it } from "vitest";
import {
  UI_LANGUAGES,
  commandMenu,
  t,
  toUiLanguage,
  type TextKey,
} from "../../worker/chat/i18n";

const KEYS: TextKey[] = [
  "start", "help", "reset-done", "nothing-to-stop", "stopped", "nothing-to-retry",
  "rate-limited", "model-busy", "origin-unavailable", "generation-failed", "interrupted",
  "too-long-input", "unsupported-message", "queued", "thinking-placeholder", "privacy",
  "forget-confirm", "forget-yes", "forget-no", "forget-done", "forget-cancelled",
  "mydata-caption", "region-current", "region-changed", "region-name-eu", "region-name-global",
];

describe("t", () => {
  it("fills parameters", () => {
    expect(t("en", "rate-limited", { seconds: 3 })).toBe(
      "You're sending messages a bit fast. Please try again in 3 s.",
    );
    expect(t("de", "too-long-input", { max: 4000 })).toContain("4000 Zeichen");
    expect(t("zh", "region-changed", { region: "欧盟" })).toContain("欧盟");
  });

  it("leaves a placeholder visible when its parameter is missing", () => {
    expect(t("fr", "rate-limited")).toContain("{seconds}");
  });

  it("has a non-empty text for every key in every language", () => {
    for (const lang of UI_LANGUAGES) {
      for (const key of KEYS) expect(t(lang, key).trim(), `${lang}/${key}`).not.toBe("");
    }
  });

  it("translates rather than copying English", () => {
    for (const lang of UI_LANGUAGES.filter((l) => l !== "en")) {
      for (const key of ["start", "rate-limited", "interrupted", "model-busy"] as const) {
        expect(t(lang, key), `${lang}/${key}`).not.toBe(t("en", key));
      }
    }
  });

  it("keeps every parameter in every translation", () => {
    const params: Partial<Record<TextKey, string>> = {
      "rate-limited": "{seconds}",
      "too-long-input": "{max}",
      "region-current": "{region}",
      "region-changed": "{region}",
    };
    for (const lang of UI_LANGUAGES) {
      for (const [key, placeholder] of Object.entries(params)) {
        expect(t(lang, key as TextKey), `${lang}/${key}`).toContain(placeholder);
      }
    }
  });

  it("mentions /help in the greeting and /retry where the user should retry", () => {
    for (const lang of UI_LANGUAGES) {
      expect(t(lang, "start")).toContain("/help");
      expect(t(lang, "interrupted")).toContain("/retry");
      expect(t(lang, "generation-failed")).toContain("/retry");
    }
  });

  it("lists every command in the help text", () => {
    for (const lang of UI_LANGUAGES) {
      for (const c of ["/reset", "/stop", "/retry", "/privacy", "/mydata", "/forget", "/region", "/help"]) {
        expect(t(lang, "help")).toContain(c);
      }
    }
  });
});

describe("commandMenu", () => {
  it("gives Telegram-valid commands with localized descriptions", () => {
    const de = commandMenu("de");
    expect(de.map((c) => c.command)).toEqual([
      "reset", "stop", "retry", "privacy", "mydata", "forget", "region", "help",
    ]);
    expect(de.find((c) => c.command === "stop")?.description).toBe("Aktuelle Antwort abbrechen");
    for (const lang of UI_LANGUAGES) {
      for (const { command, description } of commandMenu(lang)) {
        expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(description.length).toBeGreaterThan(2);
        expect(description.length).toBeLessThanOrEqual(256);
      }
    }
  });
});

describe("toUiLanguage", () => {
  it("maps tags to interface languages", () => {
    expect(toUiLanguage("de-AT")).toBe("de");
    expect(toUiLanguage("zh-hans")).toBe("zh");
    expect(toUiLanguage("pt_BR")).toBeUndefined();
    expect(toUiLanguage(undefined)).toBeUndefined();
  });

  it("never answers Ukrainian speakers in Russian", () => {
    expect(toUiLanguage("uk")).toBeUndefined();
  });
});
