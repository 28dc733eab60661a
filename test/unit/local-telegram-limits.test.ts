// Rate limits of the local Telegram stand-in: the pure bucket and window math, and real 429
// answers with retry_after after a burst in a private chat and in a group.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_LIMITS, bucketTake, bucketWaitMs, retryAfterSeconds, windowWaitMs } from "../../scripts/local-telegram/limits";
import type { BucketState } from "../../scripts/local-telegram/limits";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";

describe("limit math", () => {
  it("lets a full bucket burst, then asks to wait for the refill", () => {
    const limit = { burst: 5, perSecond: 1 };
    let state: BucketState | undefined;
    for (let i = 0; i < 5; i += 1) {
      expect(bucketWaitMs(limit, state, 0)).toBe(0);
      state = bucketTake(limit, state, 0);
    }
    expect(bucketWaitMs(limit, state, 0)).toBe(1000);
    expect(bucketWaitMs(limit, state, 400)).toBeCloseTo(600);
    expect(bucketWaitMs(limit, state, 1000)).toBe(0);
  });

  it("opens a rolling window only when its oldest event expires", () => {
    const limit = { max: 3, windowMs: 60_000 };
    expect(windowWaitMs(limit, [0, 10_000], 20_000)).toBe(0);
    expect(windowWaitMs(limit, [0, 10_000, 20_000], 30_000)).toBe(30_000);
    expect(windowWaitMs(limit, [0, 10_000, 20_000], 60_001)).toBe(0);
  });

  it("rounds retry_after up to whole seconds, at least 1", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(59_000)).toBe(59);
  });

  it("models Telegram's published numbers by default", () => {
    expect(DEFAULT_LIMITS.perBot).toEqual({ burst: 30, perSecond: 30 });
    expect(DEFAULT_LIMITS.groupChat).toEqual({ max: 20, windowMs: 60_000 });
  });
});

describe("429 answers", () => {
  let telegram: LocalTelegram;
  afterEach(async () => {
    await telegram.close();
  });

  async function api(method: string, params: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return { status: response.status, body: await response.json() };
  }

  it("refuses the sixth quick message in a private chat with retry_after", async () => {
    telegram = await startLocalTelegram();
    await telegram.sendUserMessage({ chatId: 1001, text: "hi" });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await api("sendMessage", { chat_id: 1001, text: `part ${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await api("sendMessage", { chat_id: 1001, text: "one too many" });
    expect(refused).toEqual({ status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } } });
    expect(telegram.chatMessages(1001).filter((m) => m.fromBot)).toHaveLength(5);
    expect(telegram.calls({ method: "sendMessage", chatId: 1001 }).map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it("allows 20 messages and edits per minute in a group, then asks to wait about a minute", async () => {
    telegram = await startLocalTelegram();
    await telegram.sendUserMessage({ chatId: -4001, text: "hi team" });
    const first = await api("sendMessage", { chat_id: -4001, text: "m0" });
    expect(first.status).toBe(200);
    for (let i = 1; i < 20; i += 1) {
      const call = i % 2 === 0 ? api("sendMessage", { chat_id: -4001, text: `m${i}` }) : api("editMessageText", { chat_id: -4001, message_id: 2, text: `edit ${i}` });
      expect((await call).status).toBe(200);
    }
    const refused = await api("editMessageText", { chat_id: -4001, message_id: 2, text: "edit 21" });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ ok: false, error_code: 429, parameters: { retry_after: expect.any(Number) } });
    const retryAfter = z.object({ parameters: z.object({ retry_after: z.number() }) }).parse(refused.body).parameters.retry_after;
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ description: `Too Many Requests: retry after ${retryAfter}` });
  });

  it("lets drafts stream faster than messages, and resetLimits refills every bucket", async () => {
    telegram = await startLocalTelegram({ limits: { drafts: { burst: 3, perSecond: 0.001 } } });
    await telegram.sendUserMessage({ chatId: 1003, text: "hi" });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api("sendMessageDraft", { chat_id: 1003, draft_id: 1, text: "x".repeat(i + 1) })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    telegram.resetLimits();
    expect((await api("sendMessageDraft", { chat_id: 1003, draft_id: 1, text: "again" })).status).toBe(200);
  });
});
