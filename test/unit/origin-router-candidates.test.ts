/**
 * From a route plan to what is sent: model per language, degraded requests for origins under
 * pressure, credentials per origin, and the Workers AI fallback only for non-EU chats.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import { answerCandidates } from "../../worker/model/answer-candidates";
import type { AnswerCandidatesInput } from "../../worker/model/answer-candidates";
import { buildChatMessages } from "../../worker/model/context";
import type { RoutePlan } from "../../worker/model/origin-router";
import { WORKERS_AI_ID } from "../../worker/model/workers-ai-fallback";

const config = loadConfig({
  TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  TELEGRAM_WEBHOOK_SECRET: "secret",
  BOT_USERNAME: "test_bot",
  ORIGINS: JSON.stringify([
    { id: "fra1", region: "eu", url: "https://gpu-fra1.example.com/", weight: 2 },
    { id: "iad1", region: "us", url: "https://gpu-iad1.example.com", model: "openai/gpt-oss-20b-us" },
  ]),
  ORIGIN_FRA1_API_KEY: "fra-key",
  ORIGIN_FRA1_ACCESS_CLIENT_ID: "fra.access",
  ORIGIN_FRA1_ACCESS_CLIENT_SECRET: "fra-secret",
  REASONING_EFFORT: "high",
  MODEL_BY_LANGUAGE: '{"de":"gpt-oss-20b-de-lora"}',
  WORKERS_AI_FALLBACK: "true",
});
const [fra1, iad1] = config.origins as [(typeof config.origins)[number], (typeof config.origins)[number]];

const history = Array.from({ length: 6 }, (_, i) => [
  { role: "user" as const, content: `question ${i} ${"x".repeat(2000)}` },
  { role: "assistant" as const, content: `answer ${i} ${"y".repeat(2000)}` },
]).flat();
const buildPrompt = (tokenBudget: number) =>
  buildChatMessages({ systemPrompt: "Be brief.", history, userMessage: "Wie geht es?", maxTurns: 5, tokenBudget });

function candidates(plan: RoutePlan, overrides: Partial<AnswerCandidatesInput> = {}) {
  return answerCandidates({
    plan, residency: "global", config, languageCode: "de", prompt: buildPrompt(config.chat.contextTokenBudget), buildPrompt,
    workersAi: async () => new ReadableStream(), ...overrides,
  });
}

describe("answerCandidates", () => {
  it("sends each origin its URL, credentials and the language's adapter", () => {
    const [first, second] = candidates({ candidates: [{ origin: fra1, degraded: false, phase: "closed" }, { origin: iad1, degraded: false, phase: "closed" }], skipped: [] });
    expect(first).toMatchObject({
      id: "fra1",
      url: "https://gpu-fra1.example.com/v1/chat/completions",
      headers: { authorization: "Bearer fra-key", "cf-access-client-id": "fra.access", "cf-access-client-secret": "fra-secret" },
      model: "gpt-oss-20b-de-lora",
      baseModel: "openai/gpt-oss-20b",
      request: { max_tokens: 2048, reasoning_effort: "high" },
    });
    expect(second).toMatchObject({ id: "iad1", headers: {}, model: "gpt-oss-20b-de-lora", baseModel: "openai/gpt-oss-20b-us" });
  });

  it("uses the base model for a language without an adapter", () => {
    const [first] = candidates({ candidates: [{ origin: fra1, degraded: false, phase: "closed" }], skipped: [] }, { languageCode: "en" });
    expect(first?.model).toBe("openai/gpt-oss-20b");
  });

  it("gives a degraded origin fewer history turns, a lower max_tokens and low reasoning", () => {
    const [normal, degraded] = candidates({
      candidates: [{ origin: iad1, degraded: false, phase: "closed" }, { origin: fra1, degraded: true, phase: "closed" }], skipped: [],
    });
    expect(degraded?.request).toMatchObject({ max_tokens: 768, reasoning_effort: "low" });
    expect(degraded?.meta.degraded).toBe(true);
    expect(degraded?.meta.prompt.keptTurns).toBeLessThan(normal?.meta.prompt.keptTurns ?? 0);
    expect(degraded?.request.messages.length).toBeLessThan(normal?.request.messages.length ?? 0);
  });

  it("sends the whole message to a degraded origin when even it alone exceeds the smaller budget", () => {
    const long = (budget: number) => buildChatMessages({ systemPrompt: "s", history: [], userMessage: "z".repeat(12_000), tokenBudget: budget });
    const [degraded] = candidates({ candidates: [{ origin: fra1, degraded: true, phase: "closed" }], skipped: [] }, { prompt: long(6000), buildPrompt: long });
    expect(degraded?.request.messages.at(-1)?.content).toHaveLength(12_000);
    expect(degraded?.request.max_tokens).toBe(768);
  });

  it("adds Workers AI last for a non-EU chat when enabled and bound", () => {
    const list = candidates({ candidates: [{ origin: iad1, degraded: false, phase: "closed" }], skipped: [] });
    expect(list.map((c) => c.id)).toEqual(["iad1", WORKERS_AI_ID]);
  });

  it("keeps Workers AI for a non-EU chat even when every origin is out", () => {
    expect(candidates({ candidates: [], skipped: [] }).map((c) => c.id)).toEqual([WORKERS_AI_ID]);
  });

  it("never adds Workers AI for an EU chat", () => {
    const list = candidates({ candidates: [], skipped: [] }, { residency: "eu" });
    expect(list).toEqual([]);
  });

  it("adds no fallback without the AI binding", () => {
    expect(candidates({ candidates: [], skipped: [] }, { workersAi: undefined })).toEqual([]);
  });
});
