import { describe, expect, it } from "vitest";
import {
  DEFAULT_RATE_LIMIT_POLICY,
  TELEGRAM_GROUP_BUDGET,
  TelegramSendBudget,
  canSend,
  nextSlotMs,
  recordSend,
  takeToken,
  type RateLimitState,
  type TakeTokenResult,
} from "../../worker/chat/rate-limit";

const policy = DEFAULT_RATE_LIMIT_POLICY; // burst 3, one token every 4000 ms

/** Sends messages at the given times and returns every outcome. */
function run(times: number[]): TakeTokenResult[] {
  let state: RateLimitState | undefined;
  return times.map((now) => {
    const result = takeToken(state, now, policy);
    state = JSON.parse(JSON.stringify(result.state)) as RateLimitState; // survives storage
    return result;
  });
}

describe("takeToken", () => {
  it("lets a burst of three through, then limits the fourth", () => {
    const results = run([0, 10, 20, 30]);
    expect(results.map((r) => r.outcome)).toEqual(["allowed", "allowed", "allowed", "limited"]);
  });

  it("tells the user when to retry", () => {
    const limited = run([0, 0, 0, 1000]).at(-1);
    expect(limited).toMatchObject({ outcome: "limited", retryAfterMs: 3000 });
  });

  it("notifies exactly once per window, however many messages arrive in it", () => {
    const results = run([0, 0, 0, 100, 200, 300, 3999]);
    const notices = results.filter((r) => r.outcome === "limited" && r.notify);
    const limited = results.filter((r) => r.outcome === "limited");
    expect(limited).toHaveLength(4);
    expect(notices).toHaveLength(1);
    expect(results[3]).toMatchObject({ outcome: "limited", notify: true });
  });

  it("notifies again in the next window after a token came back and was spent", () => {
    // Window 1 ends at 4000; the token at 4000 is spent; window 2 ends at 8000.
    const results = run([0, 0, 0, 100, 4000, 4100, 4200]);
    expect(results.map((r) => (r.outcome === "limited" ? `limited:${r.notify}` : r.outcome))).toEqual([
      "allowed",
      "allowed",
      "allowed",
      "limited:true",
      "allowed",
      "limited:true",
      "limited:false",
    ]);
  });

  it("refills one token every four seconds up to the burst", () => {
    const results = run([0, 0, 0, 60_000, 60_000, 60_000, 60_000]);
    expect(results.slice(3).map((r) => r.outcome)).toEqual(["allowed", "allowed", "allowed", "limited"]);
  });

  it("refills nothing when the clock goes backwards", () => {
    const results = run([10_000, 10_000, 10_000, 2_000]);
    expect(results[3]?.outcome).toBe("limited");
  });
});

describe("TelegramSendBudget", () => {
  const edits = { ...TELEGRAM_GROUP_BUDGET, reserve: 2 };

  function sendsAt(times: number[]) {
    return times.reduce((s, t) => recordSend(s, t, TELEGRAM_GROUP_BUDGET), TelegramSendBudget.empty());
  }

  it("allows 20 messages a minute when nothing is reserved", () => {
    const state = sendsAt(Array.from({ length: 19 }, (_, i) => i * 1000));
    expect(canSend(state, 19_000, TELEGRAM_GROUP_BUDGET)).toBe(true);
    const full = recordSend(state, 19_000, TELEGRAM_GROUP_BUDGET);
    expect(canSend(full, 19_500, TELEGRAM_GROUP_BUDGET)).toBe(false);
  });

  it("refuses an intermediate edit that would eat into the reserve, but not the final message", () => {
    const state = sendsAt(Array.from({ length: 18 }, (_, i) => i * 1000));
    expect(canSend(state, 18_000, edits)).toBe(false);
    expect(canSend(state, 18_000, TELEGRAM_GROUP_BUDGET)).toBe(true);
  });

  it("frees a slot when the oldest send leaves the minute", () => {
    const state = sendsAt(Array.from({ length: 20 }, (_, i) => i * 1000));
    expect(canSend(state, 59_999, TELEGRAM_GROUP_BUDGET)).toBe(false);
    expect(canSend(state, 60_000, TELEGRAM_GROUP_BUDGET)).toBe(true);
  });

  it("says when the next slot opens", () => {
    const state = sendsAt(Array.from({ length: 20 }, (_, i) => i * 1000));
    expect(nextSlotMs(state, 30_000, TELEGRAM_GROUP_BUDGET)).toBe(60_000);
    // Keeping two slots free means the three oldest sends must expire.
    expect(nextSlotMs(state, 30_000, edits)).toBe(62_000);
    expect(nextSlotMs(TelegramSendBudget.empty(), 5, edits)).toBe(5);
  });

  it("never opens a slot when the reserve takes them all", () => {
    expect(nextSlotMs(TelegramSendBudget.empty(), 0, { ...edits, reserve: 20 })).toBe(Infinity);
  });

  it("forgets sends older than the window when recording", () => {
    const state = sendsAt([0, 1000, 70_000]);
    expect(state.sentAtMs).toEqual([70_000]);
  });
});
