/**
 * The subset of vLLM's Prometheus metrics the dashboards, alert rules and autoscalers here use,
 * with vLLM's names, types, labels (`model_name`, `engine`) and histogram buckets (taken from
 * vLLM's v1 `PrometheusStatLogger`). `http_requests_total{handler,method,status}` mirrors the
 * prometheus-fastapi-instrumentator counter vLLM's API server also exposes; its `status` is
 * grouped ("2xx", "4xx", "5xx"), which is what the 5xx-ratio alert reads.
 */
import { MetricRegistry } from "./prometheus-text";
import type { Labels } from "./prometheus-text";

const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
  160.0, 640.0, 2560.0,
];
const INTER_TOKEN_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];
const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
  1920.0, 7680.0,
];

/**
 * Every metric family the stand-in exposes, by the name PromQL uses for it (histograms by family
 * name; query them as `…_bucket`, `…_count`, `…_sum`).
 */
export const STAND_IN_METRIC_FAMILIES = [
  "vllm:num_requests_running",
  "vllm:num_requests_waiting",
  "vllm:kv_cache_usage_perc",
  "vllm:time_to_first_token_seconds",
  "vllm:inter_token_latency_seconds",
  "vllm:e2e_request_latency_seconds",
  "vllm:request_success_total",
  "vllm:prompt_tokens_total",
  "vllm:generation_tokens_total",
  "http_requests_total",
] as const;

/** What the scheduler gauges read at scrape time. */
export interface SchedulerState {
  running: number;
  waiting: number;
  kvCacheUsage: number;
}

/** How a finished request is counted in `vllm:request_success_total{finished_reason}`. */
export type FinishedReason = "stop" | "length" | "abort";

/** vLLM's metrics for one served model, engine 0. */
export class VllmMetrics {
  private readonly registry = new MetricRegistry();
  private readonly labels: Labels;

  constructor(modelName: string) {
    this.labels = { model_name: modelName, engine: "0" };
    const r = this.registry;
    r.gauge("vllm:num_requests_running", "Number of requests in model execution batches.");
    r.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.");
    r.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
    r.counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.");
    r.counter("vllm:generation_tokens_total", "Number of generation tokens processed.");
    r.counter("vllm:request_success_total", "Count of successfully processed requests.");
    r.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS);
    r.histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", INTER_TOKEN_BUCKETS);
    r.histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", E2E_BUCKETS);
    r.counter("http_requests_total", "Total number of requests by method, status and handler.");
    // Series exist from the start, like vLLM's, so rate() and alert expressions see zeros, not gaps.
    for (const reason of ["stop", "length", "abort"]) r.touch("vllm:request_success_total", { ...this.labels, finished_reason: reason });
    for (const name of [
      "vllm:prompt_tokens_total",
      "vllm:generation_tokens_total",
      "vllm:time_to_first_token_seconds",
      "vllm:inter_token_latency_seconds",
      "vllm:e2e_request_latency_seconds",
    ]) {
      r.touch(name, this.labels);
    }
  }

  /** A request was admitted: its prompt was "prefilled". */
  promptProcessed(tokens: number): void {
    this.registry.inc("vllm:prompt_tokens_total", this.labels, tokens);
  }

  /** The first token went out `seconds` after arrival. */
  firstToken(seconds: number): void {
    this.registry.observe("vllm:time_to_first_token_seconds", this.labels, seconds);
    this.registry.inc("vllm:generation_tokens_total", this.labels);
  }

  /** A later token went out `seconds` after the previous one. */
  nextToken(seconds: number): void {
    this.registry.observe("vllm:inter_token_latency_seconds", this.labels, seconds);
    this.registry.inc("vllm:generation_tokens_total", this.labels);
  }

  /** A request ended (normally, or aborted by the client) after `seconds`. */
  finished(reason: FinishedReason, seconds: number): void {
    this.registry.inc("vllm:request_success_total", { ...this.labels, finished_reason: reason });
    this.registry.observe("vllm:e2e_request_latency_seconds", this.labels, seconds);
  }

  /** An HTTP response started with `status` on `handler` (a route path). */
  httpResponse(handler: string, method: string, status: number): void {
    this.registry.inc("http_requests_total", { handler, method, status: `${Math.floor(status / 100)}xx` });
  }

  /** Renders the exposition with the scheduler gauges as of now. */
  render(state: SchedulerState): string {
    this.registry.set("vllm:num_requests_running", this.labels, state.running);
    this.registry.set("vllm:num_requests_waiting", this.labels, state.waiting);
    this.registry.set("vllm:kv_cache_usage_perc", this.labels, state.kvCacheUsage);
    return this.registry.render();
  }
}
