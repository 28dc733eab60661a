/**
 * The Workers AI fallback: who may use it (never an EU chat), and the adapter that makes
 * `ai.run(..., { stream: true })` look like one more OpenAI-compatible origin to generate.ts.
 * The AI binding is a hand-written runner that streams SSE the way Workers AI does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";
import { generate } from "../../worker/model/generate";
import type { Candidate, GenerateEvent } from "../../worker/model/generate";
import {
  fallbackEligible,
  workersAiCandidate,
  workersAiFetch,
  WORKERS_AI_ID,
  WORKERS_AI_MODEL,
} from "../../worker/model/workers-ai-fallback";
import type { WorkersAiChatInput, WorkersAiRunner } from "../../worker/model/workers-ai-fallback";

const request = { messages: [{ role: "user" as const, content: "hello" }], max_tokens: 100, reasoning_effort: "low" as const };

/** A ReadableStream of SSE bytes, like the AI binding returns with `stream: true`. */
function sseStream(events: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const e of events) controller.enqueue(encoder.encode(`data: ${e}\n\n`));
      controller.close();
    },
  });
}

const chunk = (delta: Record<string, string>) => JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] });

async function collect<M>(events: AsyncIterable<GenerateEvent<M>>): Promise<GenerateEvent<M>[]> {
  const out: GenerateEvent<M>[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("fallbackEligible", () => {
  it.each([
    [{ residency: "global", enabled: true, bindingPresent: true }, true],
    [{ residency: "eu", enabled: true, bindingPresent: true }, false],
    [{ residency: "global", enabled: false, bindingPresent: true }, false],
    [{ residency: "global", enabled: true, bindingPresent: false }, false],
  ] as const)("%o → %s", (input, expected) => {
    expect(fallbackEligible(input)).toBe(expected);
  });
});

describe("workersAiFetch", () => {
  it("calls the model with the chat request, streaming, and passes the abort signal", async () => {
    const calls: { input: WorkersAiChatInput; signal: AbortSignal | undefined }[] = [];
    const run: WorkersAiRunner = async (input, signal) => {
      calls.push({ input, signal });
      return sseStream(["[DONE]"]);
    };
    const controller = new AbortController();
    const response = await workersAiFetch(run)("https://workers-ai.invalid/v1/chat/completions", {
      method: "POST", body: JSON.stringify({ ...request, model: WORKERS_AI_MODEL, stream: true }), signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(calls[0]?.input).toEqual({ messages: request.messages, stream: true, max_tokens: 100, reasoning_effort: "low" });
    expect(calls[0]?.signal).toBe(controller.signal);
  });
});

describe("Workers AI as generate's last candidate", () => {
  let failing: StandInModel;
  beforeAll(async () => {
    failing = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
    failing.setFault({ kind: "status", status: 503 });
  });
  afterAll(() => failing.close());

  const origin: Candidate<string> = {
    id: "iad1", url: "", headers: {}, model: "openai/gpt-oss-20b", baseModel: "openai/gpt-oss-20b", request, meta: "origin",
  };

  it("answers after the origin failed, from OpenAI-style chunks", async () => {
    const run: WorkersAiRunner = async () => sseStream([chunk({ reasoning: "hmm" }), chunk({ content: "Hel" }), chunk({ content: "lo" }),
      JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } }), "[DONE]"]);
    const events = await collect(generate({
      candidates: [{ ...origin, url: `${failing.url}/v1/chat/completions` }, workersAiCandidate(run, request, "fallback")],
      region: "global", timeouts: { firstTokenMs: 2000, stallMs: 2000 }, signal: new AbortController().signal,
    }));
    const text = events.filter((e) => e.type === "content").map((e) => ("text" in e ? e.text : "")).join("");
    expect(text).toBe("Hello");
    expect(events.every((e) => e.originId === WORKERS_AI_ID && e.candidate.meta === "fallback")).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: "usage", promptTokens: 3, completionTokens: 4 }));
  });

  it("reads the older `{response}` event shape too", async () => {
    const run: WorkersAiRunner = async () => sseStream([JSON.stringify({ response: "Hi " }), JSON.stringify({ response: "there" }), "[DONE]"]);
    const events = await collect(generate({
      candidates: [workersAiCandidate(run, request, undefined)],
      region: "global", timeouts: { firstTokenMs: 2000, stallMs: 2000 }, signal: new AbortController().signal,
    }));
    expect(events.filter((e) => e.type === "content").map((e) => ("text" in e ? e.text : "")).join("")).toBe("Hi there");
  });

  it("fails like an unreachable origin when the binding throws", async () => {
    const run: WorkersAiRunner = async () => {
      throw new Error("capacity exceeded");
    };
    await expect(collect(generate({
      candidates: [workersAiCandidate(run, request, undefined)],
      region: "global", timeouts: { firstTokenMs: 2000, stallMs: 2000 }, signal: new AbortController().signal,
    }))).rejects.toMatchObject({ name: "NoOriginAvailableError", cause: { name: "OriginConnectError", originId: WORKERS_AI_ID } });
  });
});
