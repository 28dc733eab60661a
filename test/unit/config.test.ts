import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import { ConfigError } from "../../worker/lib/errors";

const valid = () => ({
  TELEGRAM_BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345",
  TELEGRAM_WEBHOOK_SECRET: "s3cret_-",
  BOT_USERNAME: "gpt_oss_bot",
  ORIGINS: '[{"id":"fra1","region":"eu","url":"https://gpu.example.com"}]',
  ORIGIN_FRA1_API_KEY: "k",
  ORIGIN_FRA1_ACCESS_CLIENT_ID: "id.access",
  ORIGIN_FRA1_ACCESS_CLIENT_SECRET: "secret",
});

function failure(env: Record<string, unknown>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(valid());
    expect(config.chat.historyMaxTurns).toBe(5);
    expect(config.chat.rateLimit).toEqual({ burst: 3, refillEveryMs: 4000 });
    expect(config.chatJurisdiction).toBe("eu");
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(config.telegram.botInfo.id).toBe(123456);
    expect(config.origins[0]?.model).toBe("openai/gpt-oss-20b");
  });

  it("finds each origin's credentials by the ORIGIN_<ID>_ convention", () => {
    const config = loadConfig(valid());
    expect(config.originCredentials.get("fra1")).toEqual({
      apiKey: "k", accessClientId: "id.access", accessClientSecret: "secret",
    });
  });

  it("names a missing setting", () => {
    const env: Record<string, unknown> = valid();
    delete env.TELEGRAM_WEBHOOK_SECRET;
    const error = failure(env);
    expect(error.setting).toBe("TELEGRAM_WEBHOOK_SECRET");
    expect(error.message).toContain("is not set");
  });

  it("names a malformed setting and says why", () => {
    expect(failure({ ...valid(), ORIGINS: "not json" }).setting).toBe("ORIGINS");
    expect(failure({ ...valid(), ORIGINS: '[{"id":"fra1","region":"eu","url":"ftp://x"}]' }).setting).toBe("ORIGINS");
    expect(failure({ ...valid(), HISTORY_MAX_TURNS: "lots" }).setting).toBe("HISTORY_MAX_TURNS");
    expect(failure({ ...valid(), TELEGRAM_WEBHOOK_SECRET: "has spaces in it" }).message).toContain("malformed");
    expect(failure({ ...valid(), CHAT_JURISDICTION: "us" }).setting).toBe("CHAT_JURISDICTION");
  });

  it("never puts a secret into an error message", () => {
    const error = failure({ ...valid(), ORIGINS: "[]" });
    expect(error.message).not.toContain("ABCdefGHI");
  });
});
