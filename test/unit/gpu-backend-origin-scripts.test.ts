// The operator's origin scripts (smoke check and load bench) run as functions against the
// stand-in model server: they must pass a healthy origin and name what is wrong with a broken one.
import { afterEach, describe, expect, it } from "vitest";
import type { StreamedEvent } from "../../gpu-backend/lib/chat-stream";
import { checkChatStream } from "../../gpu-backend/lib/stream-checks";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel, StandInOptions } from "../../gpu-backend/stand-in/server";
import { formatLoadTable, percentile, runOriginLoad } from "../../scripts/origin-load";
import { formatSmokeReport, runOriginSmoke } from "../../scripts/origin-smoke";

let origin: StandInModel | undefined;

async function start(options: StandInOptions = {}): Promise<StandInModel> {
  origin = await startStandInModel({ apiKey: "key", ttftMs: 0, tokensPerSecond: 0, ...options });
  return origin;
}

afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

const failed = (report: { checks: Array<{ name: string; ok: boolean }> }) => report.checks.filter((c) => !c.ok).map((c) => c.name);

describe("origin smoke check", () => {
  it("passes a healthy origin and sends the Access headers and the API key", async () => {
    const s = await start();
    const report = await runOriginSmoke({
      baseUrl: `${s.url}/`,
      apiKey: "key",
      accessClientId: "id.access",
      accessClientSecret: "secret",
      checkIngress: false,
    });
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.model).toBe("openai/gpt-oss-20b");
    expect(report.ttftMs).not.toBeNull();
    expect(report.stream?.reasoningField).toBe("reasoning");
    expect(report.stream?.finishReason).toBe("stop");
    const [chat] = s.requests().filter((r) => r.outcome === "completed");
    expect(chat?.headers).toMatchObject({ authorization: "Bearer key", "cf-access-client-id": "id.access", "cf-access-client-secret": "secret" });
    expect(formatSmokeReport(report)).toContain("origin OK: model openai/gpt-oss-20b");
  });

  it("accepts the older reasoning_content field and says which one the origin uses", async () => {
    const s = await start({ reasoningField: "reasoning_content" });
    const report = await runOriginSmoke({ baseUrl: s.url, apiKey: "key", checkIngress: false });
    expect(report.ok).toBe(true);
    expect(report.stream?.reasoningField).toBe("reasoning_content");
  });

  it("fails when /metrics is reachable, as it is on an origin without ingress rules", async () => {
    const s = await start();
    const report = await runOriginSmoke({ baseUrl: s.url, apiKey: "key" });
    expect(failed(report)).toEqual(["/metrics is not exposed through the tunnel", "origin is a real model server, not the stand-in"]);
    expect(formatSmokeReport(report)).toMatch(/FAIL {2}\/metrics is not exposed through the tunnel: status 200 \(ingress rules missing/);
  });

  it("fails when vLLM runs without an API key", async () => {
    origin = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
    const report = await runOriginSmoke({ baseUrl: origin.url, checkIngress: false });
    expect(failed(report)).toEqual(["/v1/* refuses a request without the API key"]);
  });

  it("fails a stream cut before [DONE]", async () => {
    const s = await start();
    s.setFault({ kind: "drop-after", tokens: 3 });
    const report = await runOriginSmoke({ baseUrl: s.url, apiKey: "key", checkIngress: false });
    expect(report.ok).toBe(false);
    expect(failed(report)).toContain("ends with [DONE]");
    expect(failed(report)).toContain("stream ended cleanly");
  });

  it("fails an origin that answers 503", async () => {
    const s = await start();
    s.setFault({ kind: "status", status: 503 });
    const report = await runOriginSmoke({ baseUrl: s.url, apiKey: "key", checkIngress: false });
    expect(failed(report)).toEqual(["POST /v1/chat/completions answers 200"]);
  });

  it("fails an unhealthy origin's /health", async () => {
    const s = await start();
    s.setLoad({ healthy: false });
    const report = await runOriginSmoke({ baseUrl: s.url, apiKey: "key", checkIngress: false });
    expect(failed(report)).toEqual(["GET /health answers 200"]);
  });
});

describe("stream checks", () => {
  const event = (json: object | "[DONE]"): StreamedEvent => ({
    data: json === "[DONE]" ? json : JSON.stringify(json),
    json: json === "[DONE]" ? undefined : json,
    at: 0,
  });
  const chunk = (delta: object, finish: string | null = null) => ({
    id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

  it("flags a stream whose first chunk has no assistant role", () => {
    const { checks } = checkChatStream([event(chunk({ content: "hi" })), event(chunk({}, "stop")), event("[DONE]")], false);
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["first chunk carries the assistant role"]);
  });

  it("flags two finish chunks and a missing usage chunk", () => {
    const { checks } = checkChatStream(
      [event(chunk({ role: "assistant", content: "" })), event(chunk({ content: "a" }, "stop")), event(chunk({}, "stop")), event("[DONE]")],
      true,
    );
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      "exactly one finish chunk, last among choices",
      "finish_reason is stop or length",
      "usage chunk last, with no choices",
      "usage adds up",
    ]);
  });
});

describe("origin load bench", () => {
  it("reports TTFT percentiles and output tokens per second for each concurrency level", async () => {
    const s = await start({ reasoningTokens: 0 });
    const report = await runOriginLoad({ baseUrl: s.url, apiKey: "key", levels: [1, 4], requestsPerClient: 2, maxTokens: 40 });
    expect(report.model).toBe("openai/gpt-oss-20b");
    expect(report.levels.map((l) => [l.concurrency, l.requests, l.failures])).toEqual([[1, 2, 0], [4, 8, 0]]);
    for (const level of report.levels) {
      expect(level.ttftP50Ms).not.toBeNull();
      expect(level.ttftP99Ms ?? -1).toBeGreaterThanOrEqual(level.ttftP50Ms ?? Number.POSITIVE_INFINITY);
      expect(level.outputTokensPerSecond).toBeGreaterThan(0);
    }
    await s.waitForSettled(10);
    const records = s.requests();
    expect(records.every((r) => r.outcome === "completed" && r.finishReason === "stop")).toBe(true);
    expect(new Set(records.map((r) => r.tokensSent)).size).toBe(1);
    const table = formatLoadTable(report);
    expect(table.split("\n")[1]).toMatch(/concurrency\s+requests\s+failed\s+TTFT p50 ms\s+TTFT p99 ms\s+output tok\/s/);
    expect(table.split("\n")).toHaveLength(4);
  });

  it("counts failed requests instead of stopping", async () => {
    const s = await start();
    s.queueFaults([{ kind: "status", status: 500 }, { kind: "refuse-connection" }]);
    const report = await runOriginLoad({ baseUrl: s.url, apiKey: "key", levels: [1], requestsPerClient: 3, maxTokens: 20 });
    expect(report.levels[0]).toMatchObject({ requests: 3, failures: 2 });
  });
});

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});
