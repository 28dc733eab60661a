// The benchmark's arithmetic: percentiles, the per-message pairing of webhook deliveries, drafts
// and model requests, answer counting, and the seeded workload schedule.
import { describe, expect, it } from "vitest";
import type { RecordedCall, StoredMessage, WebhookDelivery } from "../../scripts/local-telegram/server";
import type { RecordedRequest } from "../../gpu-backend/stand-in/server";
import { analyzeLoad, draftIdFor } from "../../scripts/bench/load-analysis";
import type { SentMessage } from "../../scripts/bench/load-analysis";
import { chatSchedule } from "../../scripts/bench/load-bench";
import { percentile, ratio, summarize } from "../../scripts/bench/stats";
import { benchText, messageTag, seededRandom } from "../../scripts/bench/workload";

const call = (ms: number, method: string, chatId: number, params: Record<string, unknown>, status = 200): RecordedCall => ({
  ms, durationMs: 1, method, params: { chat_id: chatId, ...params }, status, chatId,
});

const request = (chatId: number, turn: number, startedAt: number, firstTokenAt: number | null, outcome: RecordedRequest["outcome"] = "completed"): RecordedRequest => ({
  id: `chatcmpl-${chatId}-${turn}`,
  body: { model: "m", messages: [{ role: "system", content: "be brief" }, { role: "user", content: benchText(chatId, turn) }] },
  headers: {}, model: "m", stream: true, startedAt, firstTokenAt, endedAt: null, outcome, finishReason: null, clientAborted: false,
  promptTokens: 10, tokensSent: 5, contentSent: "",
});

const botMessage = (chatId: number, messageId: number, text: string): StoredMessage => ({
  messageId, chatId, fromBot: true, from: { id: 1, is_bot: true, first_name: "bot" }, text, entities: [], date: 0, edits: 0, ms: 0,
});
const userMessage = (chatId: number, messageId: number): StoredMessage => ({ ...botMessage(chatId, messageId, "q"), fromBot: false });

describe("statistics", () => {
  it("takes nearest-rank percentiles, so a p99 is a latency that was observed", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p90: 3, p99: 3, max: 3, mean: 2 });
    expect(ratio(30, 20)).toBe(1.5);
    expect(ratio(30, 0)).toBeNull();
  });
});

describe("load analysis", () => {
  // Telegram's clock is 1,000,000 ms behind the epoch here.
  const offset = 1_000_000;
  const sent: SentMessage[] = [
    { chatId: 10, updateId: 1, ms: 100, tag: messageTag(10, 0) },
    { chatId: 10, updateId: 3, ms: 5_000, tag: messageTag(10, 1) },
    { chatId: 20, updateId: 2, ms: 200, tag: messageTag(20, 0) },
  ];
  const deliveries: WebhookDelivery[] = [
    { updateId: 1, status: 200, attempt: 1, ms: 115, durationMs: 10 },
    { updateId: 2, status: 200, attempt: 1, ms: 230, durationMs: 20 },
    { updateId: 3, status: 200, attempt: 1, ms: 5_012, durationMs: 8 },
    // A redelivery of update 1, queued under a new id.
    { updateId: 4, status: 200, attempt: 1, ms: 300, durationMs: 6 },
  ];
  const calls: RecordedCall[] = [
    call(120, "sendMessageDraft", 10, { draft_id: draftIdFor(1), text: "" }),
    call(400, "sendMessageDraft", 10, { draft_id: draftIdFor(1), text: "Stand-in" }),
    call(1_500, "sendMessage", 10, { text: "Stand-in answer" }),
    call(230, "sendMessageDraft", 20, { draft_id: draftIdFor(2), text: "" }),
    call(260, "sendMessage", 20, { text: "" }, 429),
    call(700, "sendMessage", 20, { text: "The model is busy right now." }),
    call(5_020, "sendMessageDraft", 10, { draft_id: draftIdFor(3), text: "" }),
    call(5_300, "sendMessageDraft", 10, { draft_id: draftIdFor(3), text: "Stand-in" }),
    call(6_000, "sendMessage", 10, { text: "Stand-in answer" }),
    call(6_100, "sendMessage", 99, { text: "another run's chat" }),
  ];
  const requests = [
    request(10, 0, offset + 110, offset + 260),
    request(20, 0, offset + 220, null, "fault:status"),
    request(10, 1, offset + 5_010, offset + 5_160),
  ];
  const messages = new Map<number, StoredMessage[]>([
    [10, [userMessage(10, 1), botMessage(10, 2, "Stand-in answer"), userMessage(10, 3), botMessage(10, 4, "Stand-in answer")]],
    [20, [userMessage(20, 1), botMessage(20, 2, "The model is busy right now."), botMessage(20, 3, "The model is busy right now.")]],
  ]);
  const figures = analyzeLoad({ sent, calls, deliveries, requests, messages, epochOffsetMs: offset });

  it("times the first visible text from the user's message and subtracts the model's own first token", () => {
    expect(figures.timeToFirstTextMs).toMatchObject({ count: 3, p50: 300, max: 500 });
    expect(figures.modelTtftMs).toMatchObject({ count: 2, p50: 150 });
    // Only clean model requests count: 300 - 150 and 300 - 150.
    expect(figures.firstTextOverModelMs).toMatchObject({ count: 2, p50: 150, max: 150 });
    // From the webhook's start: 400 - 105 - 150 = 145, and 5300 - 5004 - 150 = 146.
    expect(figures.webhookToFirstTextOverModelMs).toMatchObject({ count: 2, p50: 145, max: 146 });
  });

  it("splits the edge's share into webhook → model request and first token → first text", () => {
    // 110 - 105, 220 - 210 and 5010 - 5004; then 400 - 260 and 5300 - 5160.
    expect(figures.webhookToModelRequestMs).toMatchObject({ count: 3, p50: 6, max: 10 });
    expect(figures.firstTokenToFirstTextMs).toMatchObject({ count: 2, p50: 140, max: 140 });
    // 1500 - 400 and 6000 - 5300: how long each answer streamed on Telegram.
    expect(figures.firstTextToFinalMs).toMatchObject({ count: 2, p50: 700, max: 1100 });
  });

  it("times the Thinking… draft and checks it reached Telegram before the model's first token", () => {
    // 120 - 105, 230 - 210 and 5020 - 5004.
    expect(figures.webhookToThinkingDraftMs).toMatchObject({ count: 3, p50: 16, max: 20 });
    expect(figures.thinkingBeforeFirstToken).toEqual({ count: 2, of: 2 });
  });

  it("counts answers per message, finding the lost and the duplicated", () => {
    expect(figures.answers).toEqual({
      expected: 3, final: 4, lost: 0, duplicated: 1, withModelText: 2,
      notices: { "The model is busy right now.": 2 },
    });
  });

  it("counts only this run's calls and deliveries, with the 429s", () => {
    expect(figures.telegramCalls).toMatchObject({ total: 9, status429: 1, perAnswer: 2.3 });
    expect(figures.webhookAckMs).toMatchObject({ count: 4, max: 20 });
    expect(figures.webhookStatuses).toEqual({ "200": 4 });
  });
});

describe("the load schedule", () => {
  it("is the same for the same seed and spaces each chat's messages by a reading pause", () => {
    const options = { chats: 5, messagesPerChat: 3, thinkS: [3, 6] as [number, number], rampS: 5 };
    const a = chatSchedule({ ...options, random: seededRandom(7) }, 100);
    const b = chatSchedule({ ...options, random: seededRandom(7) }, 100);
    expect(a).toEqual(b);
    expect(a).toHaveLength(15);
    expect(a.map((e) => e.atMs)).toEqual([...a.map((e) => e.atMs)].sort((x, y) => x - y));
    for (let chat = 100; chat < 105; chat++) {
      const times = a.filter((e) => e.chatId === chat).map((e) => e.atMs);
      expect(times[0]).toBeLessThan(5_000);
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(3_000);
    }
    expect(chatSchedule({ ...options, random: seededRandom(8) }, 100)).not.toEqual(a);
  });
});
