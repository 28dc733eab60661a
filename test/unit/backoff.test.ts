import { describe, expect, it } from "vitest";
import { fullJitterDelay, nextRetryDelayMs, retryAfterMs } from "../../worker/lib/backoff";

const opts = { baseMs: 100, capMs: 5000 };

describe("fullJitterDelay", () => {
  it("scales the random draw by base * 2^attempt", () => {
    expect(fullJitterDelay(0, opts, () => 0.5)).toBe(50);
    expect(fullJitterDelay(3, opts, () => 0.5)).toBe(400);
  });

  it("never exceeds the cap, even for huge attempt numbers", () => {
    expect(fullJitterDelay(10, opts, () => 0.999)).toBe(4995);
    expect(fullJitterDelay(5000, opts, () => 0.999)).toBe(4995);
  });

  it("can wait zero when the draw is zero (that is what spreads the herd)", () => {
    expect(fullJitterDelay(4, opts, () => 0)).toBe(0);
  });

  it("clamps random values outside [0, 1) and negative attempts", () => {
    expect(fullJitterDelay(1, opts, () => 7)).toBe(200);
    expect(fullJitterDelay(1, opts, () => -1)).toBe(0);
    expect(fullJitterDelay(-3, opts, () => 0.5)).toBe(50);
  });
});

describe("retryAfterMs", () => {
  it("converts Telegram's retry_after seconds", () => {
    expect(retryAfterMs(7)).toBe(7000);
    expect(retryAfterMs(0.5)).toBe(500);
  });

  it("reads the header's delta-seconds form", () => {
    expect(retryAfterMs(" 120 ")).toBe(120_000);
  });

  it("turns an HTTP date into a delay from now", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
  });

  it("gives undefined for missing, negative or unreadable values", () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs(-1)).toBeUndefined();
    expect(retryAfterMs("soon", 0)).toBeUndefined();
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:30 GMT")).toBeUndefined();
  });
});

describe("nextRetryDelayMs", () => {
  it("never retries sooner than the server asked", () => {
    expect(nextRetryDelayMs(0, opts, () => 0.5, 3000)).toBe(3000);
  });

  it("falls back to jitter without a hint", () => {
    expect(nextRetryDelayMs(2, opts, () => 0.25)).toBe(100);
  });
});
