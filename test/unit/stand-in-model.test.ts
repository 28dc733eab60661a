// The stand-in model server speaks vLLM's OpenAI-compatible API: these tests read its wire format
// with a real HTTP client, chunk by chunk, and check the routes around it.
import { afterEach, describe, expect, it } from "vitest";
import { readChatStream } from "../../gpu-backend/lib/chat-stream";
import { defaultAnswer } from "../../gpu-backend/stand-in/canned-answer";
import { chatRequestSchema } from "../../gpu-backend/stand-in/chat-request";
import { parsePrometheusText, sumSamples } from "../../gpu-backend/stand-in/prometheus-text";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel, StandInOptions } from "../../gpu-backend/stand-in/server";

const MODEL = "openai/gpt-oss-20b";
let model: StandInModel | undefined;

async function start(options: StandInOptions = {}): Promise<StandInModel> {
  model = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0, ...options });
  return model;
}

afterEach(async () => {
  await model?.close();
  model = undefined;
});

function chatBody(extra: Record<string, unknown> = {}) {
  return { model: MODEL, messages: [{ role: "user", content: "What is a KV cache?" }], stream: true, ...extra };
}

interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ index: number; delta: Record<string, unknown>; logprobs: null; finish_reason: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function chunks(events: Array<{ json: unknown }>): Chunk[] {
  return events.filter((e) => e.json !== undefined).map((e) => e.json as Chunk);
}

describe("streaming chat completions", () => {
  it("streams a role chunk, reasoning, content, a finish chunk, usage and [DONE] in vLLM's shape", async () => {
    const s = await start({ reasoningTokens: 3 });
    const result = await readChatStream({
      url: `${s.url}/v1/chat/completions`,
      body: chatBody({ stream_options: { include_usage: true } }),
    });
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(result.events.at(-1)?.data).toBe("[DONE]");
    expect(result.sawDone).toBe(true);

    const all = chunks(result.events);
    const [first] = all;
    expect(first).toMatchObject({ object: "chat.completion.chunk", model: MODEL });
    expect(first?.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(first?.choices).toEqual([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]);
    expect(new Set(all.map((c) => c.id)).size).toBe(1);

    const reasoning = all.slice(1, 4).map((c) => c.choices[0]?.delta);
    expect(reasoning.every((d) => typeof d?.["reasoning"] === "string" && Object.keys(d).length === 1)).toBe(true);
    const content = all.filter((c) => typeof c.choices[0]?.delta["content"] === "string").slice(1);
    const text = content.map((c) => c.choices[0]?.delta["content"]).join("");
    expect(text).toBe(defaultAnswer(chatRequestSchema.parse(chatBody())));
    expect(content.every((c) => c.choices[0]?.finish_reason === null)).toBe(true);

    const finish = all.at(-2);
    expect(finish?.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop", stop_reason: null }]);
    const usageChunk = all.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual({
      prompt_tokens: 5, // "What is a KV cache?" is 19 characters: ceil(19 / 4)
      completion_tokens: 3 + content.length,
      total_tokens: 5 + 3 + content.length,
    });
  });

  it("sends no usage chunk unless stream_options.include_usage is set", async () => {
    const s = await start();
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body: chatBody() });
    const all = chunks(result.events);
    expect(all.some((c) => c.usage !== undefined)).toBe(false);
    expect(all.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("stops with finish_reason length when max_tokens runs out, counting reasoning tokens", async () => {
    const s = await start({ reasoningTokens: 4 });
    const result = await readChatStream({
      url: `${s.url}/v1/chat/completions`,
      body: chatBody({ max_tokens: 10, stream_options: { include_usage: true } }),
    });
    const all = chunks(result.events);
    const pieces = all.filter((c) => (c.choices[0]?.delta["content"] ?? "") !== "" || c.choices[0]?.delta["reasoning"] !== undefined);
    expect(pieces).toHaveLength(10);
    expect(all.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(all.at(-1)?.usage?.completion_tokens).toBe(10);
  });

  it("prefers max_completion_tokens over max_tokens", async () => {
    const s = await start({ reasoningTokens: 0 });
    const result = await readChatStream({
      url: `${s.url}/v1/chat/completions`,
      body: chatBody({ max_tokens: 500, max_completion_tokens: 7, stream_options: { include_usage: true } }),
    });
    expect(chunks(result.events).at(-1)?.usage?.completion_tokens).toBe(7);
  });

  it("scales reasoning with reasoning_effort and can emit the older reasoning_content field", async () => {
    const s = await start({ reasoningTokens: 2, reasoningField: "reasoning_content" });
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body: chatBody({ reasoning_effort: "high" }) });
    const all = chunks(result.events);
    expect(all.filter((c) => typeof c.choices[0]?.delta["reasoning_content"] === "string")).toHaveLength(8);
    expect(all.some((c) => "reasoning" in (c.choices[0]?.delta ?? {}))).toBe(false);
  });

  it("records the request with its headers, timing and outcome", async () => {
    const s = await start();
    await readChatStream({ url: `${s.url}/v1/chat/completions`, body: chatBody(), headers: { "x-trace": "abc" } });
    await s.waitForSettled(1);
    const [record] = s.requests();
    expect(record).toMatchObject({ model: MODEL, stream: true, outcome: "completed", finishReason: "stop", clientAborted: false });
    expect(record?.headers["x-trace"]).toBe("abc");
    expect(record?.body).toEqual(chatBody());
    expect(record?.firstTokenAt).not.toBeNull();
    expect(record?.endedAt).toBeGreaterThanOrEqual(record?.firstTokenAt ?? Number.POSITIVE_INFINITY);
    expect(record?.contentSent).toBe(defaultAnswer(chatRequestSchema.parse(chatBody())));
  });

  it("uses a custom answer function", async () => {
    const s = await start({ reasoningTokens: 0, answer: (req) => `You said ${req.messages.length} message(s).` });
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body: chatBody() });
    const text = chunks(result.events).map((c) => c.choices[0]?.delta["content"] ?? "").join("");
    expect(text).toBe("You said 1 message(s).");
  });
});

describe("non-streaming chat completions", () => {
  it("answers one chat.completion object with message, reasoning and usage", async () => {
    const s = await start({ reasoningTokens: 2 });
    const response = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatBody({ stream: false })),
    });
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as {
      object: string;
      choices: Array<{ message: { role: string; content: string; reasoning: string }; finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]?.message.role).toBe("assistant");
    expect(body.choices[0]?.message.content).toBe(defaultAnswer(chatRequestSchema.parse(chatBody())));
    expect(body.choices[0]?.message.reasoning).toBe("The user");
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.usage.completion_tokens).toBeGreaterThan(2);
  });
});

describe("API key, models and errors", () => {
  it("requires the bearer key on /v1/* only, answering vLLM's 401 body", async () => {
    const s = await start({ apiKey: "sekret" });
    const denied = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chatBody()) });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: "Unauthorized" });
    const wrong = await fetch(`${s.url}/v1/models`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const allowed = await fetch(`${s.url}/v1/models`, { headers: { authorization: "bearer sekret" } });
    expect(allowed.status).toBe(200);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
    await s.waitForSettled(1);
    expect(s.requests()[0]?.outcome).toBe("rejected:401");
  });

  it("lists the served model and extra adapters, owned by a stand-in that is not a model", async () => {
    const s = await start({ extraModels: ["gpt-oss-20b-de"] });
    const list = (await (await fetch(`${s.url}/v1/models`)).json()) as {
      object: string;
      data: Array<{ id: string; object: string; owned_by: string; parent: string | null }>;
    };
    expect(list.object).toBe("list");
    expect(list.data.map((m) => [m.id, m.parent])).toEqual([[MODEL, null], ["gpt-oss-20b-de", MODEL]]);
    expect(list.data.every((m) => m.object === "model" && m.owned_by === "stand-in (not a model)")).toBe(true);
    const viaAdapter = await readChatStream({ url: `${s.url}/v1/chat/completions`, body: chatBody({ model: "gpt-oss-20b-de" }) });
    expect(viaAdapter.sawDone).toBe(true);
  });

  it("answers vLLM's 404 body for a model it does not serve", async () => {
    const s = await start();
    const response = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chatBody({ model: "x" })) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: "The model `x` does not exist.", type: "NotFoundError", param: "model", code: 404 },
    });
  });

  it("rejects a body that is not JSON or not a chat request with a 400 error object", async () => {
    const s = await start();
    const notJson = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    const noMessages = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: MODEL }) });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { code: number } }).error.code).toBe(400);
  });

  it("refuses a prompt plus max_tokens beyond max_model_len, like vLLM", async () => {
    const s = await start({ maxModelLen: 100 });
    const response = await fetch(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chatBody({ max_tokens: 99 })) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("max_tokens");
  });
});

describe("health and metrics", () => {
  it("answers /health 200 with an empty body, and 503 when set unhealthy", async () => {
    const s = await start();
    const ok = await fetch(`${s.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("");
    s.setLoad({ healthy: false });
    expect((await fetch(`${s.url}/health`)).status).toBe(503);
  });

  it("exposes vLLM's metric names, types and model_name label, counting a finished request", async () => {
    const s = await start({ reasoningTokens: 2 });
    const streamed = await readChatStream({
      url: `${s.url}/v1/chat/completions`,
      body: chatBody({ stream_options: { include_usage: true } }),
    });
    const completion = chunks(streamed.events).at(-1)?.usage?.completion_tokens ?? -1;
    await s.waitForSettled(1);
    const parsed = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    const model = { model_name: MODEL };
    expect(parsed.types.get("vllm:num_requests_running")).toBe("gauge");
    expect(parsed.types.get("vllm:kv_cache_usage_perc")).toBe("gauge");
    expect(parsed.types.get("vllm:time_to_first_token_seconds")).toBe("histogram");
    expect(parsed.types.get("vllm:inter_token_latency_seconds")).toBe("histogram");
    expect(parsed.types.get("vllm:e2e_request_latency_seconds")).toBe("histogram");
    expect(parsed.types.get("vllm:request_success_total")).toBe("counter");
    expect(sumSamples(parsed, "vllm:request_success_total", { ...model, finished_reason: "stop" })).toBe(1);
    expect(sumSamples(parsed, "vllm:generation_tokens_total", model)).toBe(completion);
    expect(sumSamples(parsed, "vllm:prompt_tokens_total", model)).toBe(5);
    expect(sumSamples(parsed, "vllm:time_to_first_token_seconds_count", model)).toBe(1);
    expect(sumSamples(parsed, "vllm:time_to_first_token_seconds_bucket", { ...model, le: "+Inf" })).toBe(1);
    expect(sumSamples(parsed, "vllm:inter_token_latency_seconds_count", model)).toBe(completion - 1);
    expect(sumSamples(parsed, "vllm:e2e_request_latency_seconds_count", model)).toBe(1);
    expect(sumSamples(parsed, "vllm:num_requests_running", model)).toBe(0);
    expect(sumSamples(parsed, "http_requests_total", { handler: "/v1/chat/completions", status: "2xx" })).toBe(1);
  });

  it("reports the load set by setLoad", async () => {
    const s = await start();
    s.setLoad({ kvCacheUsage: 0.93, waiting: 7 });
    const parsed = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    expect(sumSamples(parsed, "vllm:kv_cache_usage_perc")).toBe(0.93);
    expect(sumSamples(parsed, "vllm:num_requests_waiting")).toBe(7);
  });
});
