// Injected faults, client aborts, queueing and concurrency of the stand-in model server, observed
// through a real HTTP client and the stand-in's request log.
import { afterEach, describe, expect, it } from "vitest";
import { OriginUnreachableError, readChatStream } from "../../gpu-backend/lib/chat-stream";
import type { StreamedEvent } from "../../gpu-backend/lib/chat-stream";
import { parsePrometheusText, sumSamples } from "../../gpu-backend/stand-in/prometheus-text";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel, StandInOptions } from "../../gpu-backend/stand-in/server";

let model: StandInModel | undefined;

async function start(options: StandInOptions = {}): Promise<StandInModel> {
  model = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0, reasoningTokens: 0, ...options });
  return model;
}

afterEach(async () => {
  await model?.close();
  model = undefined;
});

const body = {
  model: "openai/gpt-oss-20b",
  messages: [{ role: "user", content: "Tell me a long story." }],
  stream: true,
  stream_options: { include_usage: true },
};

function contentOf(event: StreamedEvent): string | undefined {
  const json = event.json as { choices?: Array<{ delta?: { content?: string } }> } | undefined;
  const content = json?.choices?.[0]?.delta?.content;
  return content === "" ? undefined : content;
}

/** Streams until `n` content pieces arrived (or the stream ends), then lets `settle` decide. */
async function streamUntilContent(s: StandInModel, n: number, pause: () => Promise<void>) {
  const controller = new AbortController();
  let seen = 0;
  let reached: () => void = () => {};
  const reachedN = new Promise<void>((resolve) => (reached = resolve));
  const pending = readChatStream({
    url: `${s.url}/v1/chat/completions`,
    body,
    signal: controller.signal,
    onEvent: (event) => {
      if (contentOf(event) !== undefined && ++seen === n) reached();
    },
  });
  await Promise.race([reachedN, pending]);
  await pause();
  controller.abort();
  return pending;
}

const settleBriefly = () => new Promise<void>((resolve) => setTimeout(resolve, 150));

describe("status faults", () => {
  it("answers an injected 503 with Retry-After before streaming", async () => {
    const s = await start();
    s.setFault({ kind: "status", status: 503, retryAfterSeconds: 7 });
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body });
    expect(result.status).toBe(503);
    expect(result.headers.get("retry-after")).toBe("7");
    expect(JSON.parse(result.errorBody ?? "")).toMatchObject({ error: { code: 503 } });
    await s.waitForSettled(1);
    expect(s.requests()[0]?.outcome).toBe("fault:status");
  });

  it("applies queued faults one per request, in order, then answers normally", async () => {
    const s = await start();
    s.queueFaults([
      { kind: "status", status: 500 },
      { kind: "status", status: 429, body: '{"error":"slow down"}' },
    ]);
    const url = `${s.url}/v1/chat/completions`;
    const first = await readChatStream({ url, body });
    const second = await readChatStream({ url, body });
    const third = await readChatStream({ url, body });
    expect([first.status, second.status, third.status]).toEqual([500, 429, 200]);
    expect(second.errorBody).toBe('{"error":"slow down"}');
    expect(third.sawDone).toBe(true);
  });

  it("answers a 401 fault with the API-key middleware's body", async () => {
    const s = await start();
    s.queueFaults([{ kind: "status", status: 401 }]);
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body });
    expect(result.status).toBe(401);
    expect(JSON.parse(result.errorBody ?? "")).toEqual({ error: "Unauthorized" });
  });
});

describe("connection faults", () => {
  it("closes the socket at once on refuse-connection", async () => {
    const s = await start();
    s.queueFaults([{ kind: "refuse-connection" }]);
    await expect(readChatStream({ url: `${s.url}/v1/chat/completions`, body })).rejects.toBeInstanceOf(OriginUnreachableError);
    expect(s.requests()[0]?.outcome).toBe("fault:refuse-connection");
  });

  it("sends headers but no token on stall-before-first-token, until the client gives up", async () => {
    const s = await start();
    s.queueFaults([{ kind: "stall-before-first-token" }]);
    const controller = new AbortController();
    const pending = readChatStream({ url: `${s.url}/v1/chat/completions`, body, signal: controller.signal });
    await s.waitForRequests(1);
    await settleBriefly();
    controller.abort();
    const result = await pending;
    expect(result.status).toBe(200);
    expect(result.events).toEqual([]);
    await s.waitForSettled(1);
    expect(s.requests()[0]).toMatchObject({ outcome: "fault:stall-before-first-token", clientAborted: true, tokensSent: 0, firstTokenAt: null });
  });

  it("goes silent after N content tokens on stall-after", async () => {
    const s = await start();
    s.queueFaults([{ kind: "stall-after", tokens: 3 }]);
    const result = await streamUntilContent(s, 3, settleBriefly);
    expect(result.events.filter((e) => contentOf(e) !== undefined)).toHaveLength(3);
    expect(result.sawDone).toBe(false);
    await s.waitForSettled(1);
    expect(s.requests()[0]).toMatchObject({ outcome: "fault:stall-after", clientAborted: true, tokensSent: 3 });
  });

  it("destroys the socket after N content tokens on drop-after, with no [DONE]", async () => {
    const s = await start();
    s.queueFaults([{ kind: "drop-after", tokens: 4 }]);
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body });
    expect(result.events.filter((e) => contentOf(e) !== undefined)).toHaveLength(4);
    expect(result.sawDone).toBe(false);
    expect(result.streamError).not.toBeNull();
    expect(s.requests()[0]).toMatchObject({ outcome: "fault:drop-after", clientAborted: false, tokensSent: 4 });
  });

  it("waits the given time to first token on slow-start, then streams normally", async () => {
    const s = await start();
    s.queueFaults([{ kind: "slow-start", ttftMs: 120 }]);
    const result = await readChatStream({ url: `${s.url}/v1/chat/completions`, body });
    expect(result.sawDone).toBe(true);
    const [record] = s.requests();
    expect(record?.outcome).toBe("fault:slow-start");
    expect((record?.firstTokenAt ?? 0) - (record?.startedAt ?? 0)).toBeGreaterThanOrEqual(120);
  });
});

describe("client aborts", () => {
  it("stops generating and records client-aborted when the client disconnects mid-stream", async () => {
    const s = await start({ tokensPerSecond: 200 });
    const result = await streamUntilContent(s, 2, async () => {});
    expect(result.sawDone).toBe(false);
    await s.waitForSettled(1);
    const [record] = s.requests();
    expect(record?.outcome).toBe("client-aborted");
    expect(record?.clientAborted).toBe(true);
    const sentAtAbort = record?.tokensSent ?? -1;
    await settleBriefly();
    expect(s.requests()[0]?.tokensSent).toBe(sentAtAbort);
    const metrics = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    expect(sumSamples(metrics, "vllm:request_success_total", { finished_reason: "abort" })).toBe(1);
    expect(sumSamples(metrics, "vllm:num_requests_running")).toBe(0);
  });
});

describe("load", () => {
  it("queues requests beyond maxRunning and reports them as waiting", async () => {
    const s = await start({ maxRunning: 1 });
    s.queueFaults([{ kind: "stall-before-first-token" }]);
    const first = new AbortController();
    const stalled = readChatStream({ url: `${s.url}/v1/chat/completions`, body, signal: first.signal });
    await s.waitForRequests(1);
    const queued = readChatStream({ url: `${s.url}/v1/chat/completions`, body });
    await s.waitForRequests(2);
    let metrics = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    expect(sumSamples(metrics, "vllm:num_requests_running")).toBe(1);
    expect(sumSamples(metrics, "vllm:num_requests_waiting")).toBe(1);
    first.abort();
    await stalled;
    expect((await queued).sawDone).toBe(true);
    metrics = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    expect(sumSamples(metrics, "vllm:num_requests_waiting")).toBe(0);
  });

  it("derives KV-cache usage from running streams unless it is pinned", async () => {
    const s = await start({ kvCacheTokens: 100, maxRunning: 1 });
    s.queueFaults([{ kind: "stall-before-first-token" }]);
    const controller = new AbortController();
    const pending = readChatStream({
      url: `${s.url}/v1/chat/completions`,
      body: { ...body, messages: [{ role: "user", content: "x".repeat(200) }] },
      signal: controller.signal,
    });
    await s.waitForRequests(1);
    await settleBriefly();
    const metrics = parsePrometheusText(await (await fetch(`${s.url}/metrics`)).text());
    expect(sumSamples(metrics, "vllm:kv_cache_usage_perc")).toBe(0.5); // 50 prompt tokens of 100
    controller.abort();
    await pending;
  });

  it("serves 250 concurrent streams to completion", async () => {
    const s = await start({ tokensPerSecond: 500 });
    const results = await Promise.all(
      Array.from({ length: 250 }, () => readChatStream({ url: `${s.url}/v1/chat/completions`, body: { ...body, max_tokens: 40 } })),
    );
    expect(results.every((r) => r.status === 200 && r.sawDone)).toBe(true);
    await s.waitForSettled(250);
    expect(s.requests().every((r) => r.outcome === "completed")).toBe(true);
  });
});
