/**
 * Per-language model routing: MODEL_BY_LANGUAGE picks a LoRA adapter by the message's language,
 * everything else gets the origin's base model.
 */
import { describe, expect, it } from "vitest";
import { modelFor } from "../../worker/model/model-routing";
import { loadConfig } from "../../worker/config";

const BASE = "openai/gpt-oss-20b";
const map = { de: "gpt-oss-20b-de-lora", ja: "gpt-oss-20b-ja-lora" };

describe("modelFor", () => {
  it("sends a German message to the German adapter", () => {
    expect(modelFor("de", BASE, map)).toBe("gpt-oss-20b-de-lora");
  });

  it("uses the primary subtag of a regional code", () => {
    expect(modelFor("de-AT", BASE, map)).toBe("gpt-oss-20b-de-lora");
    expect(modelFor("JA", BASE, map)).toBe("gpt-oss-20b-ja-lora");
  });

  it("falls back to the origin's base model for languages without an entry or without a language", () => {
    expect(modelFor("fr", BASE, map)).toBe(BASE);
    expect(modelFor(undefined, BASE, map)).toBe(BASE);
    expect(modelFor("", BASE, {})).toBe(BASE);
  });

  it("is not fooled by inherited object keys", () => {
    expect(modelFor("constructor", BASE, map)).toBe(BASE);
  });
});

describe("MODEL_BY_LANGUAGE setting", () => {
  const env = {
    TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    TELEGRAM_WEBHOOK_SECRET: "secret",
    BOT_USERNAME: "test_bot",
    ORIGINS: JSON.stringify([{ id: "fra1", region: "eu", url: "https://gpu.example.com" }]),
  };

  it("is empty by default", () => {
    expect(loadConfig({ ...env }).routing.modelByLanguage).toEqual({});
  });

  it("parses a JSON map of language codes to model names", () => {
    const config = loadConfig({ ...env, MODEL_BY_LANGUAGE: '{"de":"gpt-oss-20b-de-lora"}' });
    expect(config.routing.modelByLanguage).toEqual({ de: "gpt-oss-20b-de-lora" });
  });

  it("names the setting when the map is not JSON or its keys are not language codes", () => {
    expect(() => loadConfig({ ...env, MODEL_BY_LANGUAGE: "de=lora" })).toThrow(/MODEL_BY_LANGUAGE/);
    expect(() => loadConfig({ ...env, MODEL_BY_LANGUAGE: '{"German":"x"}' })).toThrow(/MODEL_BY_LANGUAGE/);
  });
});
