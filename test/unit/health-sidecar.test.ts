/**
 * The GPU host's health sidecar: reads vLLM's /health and /metrics on the private network and
 * answers the tunnel's /health with health and load as JSON. The stand-in plays vLLM (same
 * /health and metric names); a stand-in with pinned load shows the numbers pass through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";
import { checkVllm, loadFromMetrics, sampleValues, startHealthSidecar } from "../../gpu-backend/health-sidecar/sidecar";

let vllm: StandInModel;
let sidecar: Awaited<ReturnType<typeof startHealthSidecar>>;
beforeAll(async () => {
  vllm = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
  sidecar = await startHealthSidecar({ vllmUrl: vllm.url, timeoutMs: 1000 });
});
afterAll(async () => {
  await sidecar.close();
  await vllm.close();
});

describe("metrics parsing", () => {
  const text = [
    "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
    "# TYPE vllm:num_requests_waiting gauge",
    'vllm:num_requests_waiting{engine="0",model_name="openai/gpt-oss-20b"} 3.0',
    'vllm:num_requests_waiting{engine="1",model_name="openai/gpt-oss-20b"} 2.0',
    'vllm:num_requests_waiting_total{engine="0"} 99',
    'vllm:num_requests_running{engine="0",model_name="openai/gpt-oss-20b"} 12.0',
    'vllm:kv_cache_usage_perc{engine="0",model_name="openai/gpt-oss-20b"} 0.42',
    'vllm:kv_cache_usage_perc{engine="1",model_name="openai/gpt-oss-20b"} 0.61',
  ].join("\n");

  it("reads every series of a metric, and not a longer name with the same prefix", () => {
    expect(sampleValues(text, "vllm:num_requests_waiting")).toEqual([3, 2]);
  });

  it("sums the queues over engines and takes the fullest KV cache", () => {
    expect(loadFromMetrics(text)).toEqual({ kvCacheUsage: 0.61, waiting: 5, running: 12 });
  });

  it("reads the KV cache under its pre-0.10 name", () => {
    expect(loadFromMetrics('vllm:gpu_cache_usage_perc{model_name="m"} 0.3').kvCacheUsage).toBe(0.3);
  });

  it("says unknown, not zero, when vLLM exposes none of them", () => {
    expect(loadFromMetrics("")).toEqual({ kvCacheUsage: null, waiting: null, running: null });
  });
});

describe("the sidecar's /health", () => {
  it("answers 200 with vLLM's load as JSON", async () => {
    vllm.setLoad({ kvCacheUsage: 0.42, waiting: 3, healthy: true });
    const response = await fetch(`${sidecar.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", kv_cache_usage: 0.42, num_requests_waiting: 3, num_requests_running: 0 });
  });

  it("answers 503 when vLLM is unhealthy", async () => {
    vllm.setLoad({ healthy: false });
    const response = await fetch(`${sidecar.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "unhealthy", reason: "vllm-health-503" });
    vllm.setLoad({ healthy: true, kvCacheUsage: undefined, waiting: 0 });
  });

  it("answers 503 when vLLM cannot be reached", async () => {
    const gone = await startStandInModel();
    const goneUrl = gone.url;
    await gone.close();
    expect(await checkVllm({ vllmUrl: goneUrl, timeoutMs: 500 })).toEqual({
      status: 503,
      body: { status: "unhealthy", kv_cache_usage: null, num_requests_waiting: null, num_requests_running: null, reason: "vllm-unreachable" },
    });
  });

  it("stays healthy with unknown load when /metrics fails", async () => {
    const fake: typeof fetch = async (input) =>
      String(input).endsWith("/health") ? new Response(null, { status: 200 }) : new Response("nope", { status: 500 });
    expect(await checkVllm({ vllmUrl: "http://vllm.internal:8000", fetch: fake })).toEqual({
      status: 200,
      body: { status: "ok", kv_cache_usage: null, num_requests_waiting: null, num_requests_running: null },
    });
  });

  it("serves nothing but /health (in particular not vLLM's metrics)", async () => {
    expect((await fetch(`${sidecar.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${sidecar.url}/v1/models`)).status).toBe(404);
  });
});
