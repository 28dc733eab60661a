import { describe, expect, it } from "vitest";
import {
  ConfigError,
  FirstTokenTimeoutError,
  GenerationAbortedError,
  NoOriginAvailableError,
  OriginConnectError,
  OriginHttpError,
  StreamDroppedError,
  StreamStalledError,
  TelegramApiError,
} from "../../worker/lib/errors";
import {
  isTransientOriginError,
  isTransientTelegramError,
  retryHintMs,
} from "../../worker/lib/transient";

describe("isTransientOriginError", () => {
  it("retries connect failures, overload and broken streams", () => {
    for (const e of [
      new OriginConnectError("fra-1", new TypeError("fetch failed")),
      new OriginHttpError(500, "fra-1"),
      new OriginHttpError(502, "fra-1"),
      new OriginHttpError(503, "fra-1", 30_000),
      new OriginHttpError(429, "fra-1"),
      new FirstTokenTimeoutError("fra-1", 20_000),
      new StreamStalledError("fra-1", 30_000),
      new StreamDroppedError("fra-1"),
    ]) {
      expect(isTransientOriginError(e), e.message).toBe(true);
    }
  });

  it("does not retry requests the origin rejected, or our own aborts", () => {
    for (const e of [
      new OriginHttpError(400, "fra-1"),
      new OriginHttpError(401, "fra-1"),
      new OriginHttpError(404, "fra-1"),
      new GenerationAbortedError("user-stop"),
      new NoOriginAvailableError("eu"),
      new Error("something else"),
      "a string",
    ]) {
      expect(isTransientOriginError(e), String(e)).toBe(false);
    }
  });
});

describe("isTransientTelegramError", () => {
  it("retries flood control, server errors and network failures", () => {
    expect(isTransientTelegramError(new TelegramApiError("sendMessage", 429, "Too Many Requests", 3))).toBe(true);
    expect(isTransientTelegramError(new TelegramApiError("sendMessage", 502, "Bad Gateway"))).toBe(true);
    expect(isTransientTelegramError(new TelegramApiError("sendMessage", 0, "network error: fetch failed"))).toBe(true);
    expect(isTransientTelegramError(new TypeError("fetch failed"))).toBe(true);
    expect(isTransientTelegramError(new DOMException("timed out", "TimeoutError"))).toBe(true);
  });

  it("does not retry bad requests or a blocked bot", () => {
    expect(
      isTransientTelegramError(new TelegramApiError("editMessageText", 400, "Bad Request: message is not modified")),
    ).toBe(false);
    expect(isTransientTelegramError(new TelegramApiError("sendMessage", 403, "Forbidden: bot was blocked by the user"))).toBe(false);
    expect(isTransientTelegramError(new ConfigError("TELEGRAM_BOT_TOKEN", "missing"))).toBe(false);
  });
});

describe("retryHintMs", () => {
  it("reads the wait each side asked for", () => {
    expect(retryHintMs(new TelegramApiError("sendMessage", 429, "Too Many Requests", 3))).toBe(3000);
    expect(retryHintMs(new OriginHttpError(503, "fra-1", 1500))).toBe(1500);
    expect(retryHintMs(new StreamDroppedError("fra-1"))).toBeUndefined();
  });
});

describe("named errors", () => {
  it("carry their name, data and cause", () => {
    const cause = new TypeError("connection refused");
    const e = new OriginConnectError("fra-1", cause);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("OriginConnectError");
    expect(e.cause).toBe(cause);
    expect(new ConfigError("ORIGINS", "not valid JSON").message).toBe("ORIGINS: not valid JSON");
  });
});
