/**
 * Public types of the vLLM-compatible stand-in model server.
 *
 * The stand-in is NOT a model: it answers deterministic canned text in the exact wire format of
 * vLLM's OpenAI-compatible server (gpt-oss flavour), so the Worker, the load bench and the tests
 * can run offline and can inject the failures a real GPU origin produces (errors, stalls, dropped
 * connections, overload).
 */
import type { ChatRequest } from "./chat-request";

export type { ChatRequest } from "./chat-request";

/**
 * A failure to inject into `/v1/chat/completions`. Content-token counts (`tokens`) count answer
 * tokens only; reasoning tokens are streamed normally before them.
 */
export type Fault =
  /** Answered before streaming with this status and a vLLM-shaped JSON error (or `body`). */
  | { kind: "status"; status: 500 | 429 | 503 | 400 | 401; retryAfterSeconds?: number; body?: string }
  /** Accepts, sends the SSE headers, then never sends a token (until the client aborts). */
  | { kind: "stall-before-first-token" }
  /** Streams `tokens` content tokens, then goes silent with the connection open. */
  | { kind: "stall-after"; tokens: number }
  /** Streams `tokens` content tokens, then destroys the socket (no finish chunk, no [DONE]). */
  | { kind: "drop-after"; tokens: number }
  /** Waits `ttftMs` before the first token, then streams normally. */
  | { kind: "slow-start"; ttftMs: number }
  /** Destroys the socket as soon as the request arrives, without any response. */
  | { kind: "refuse-connection" };

/** How a recorded chat completion request ended. */
export type RequestOutcome =
  | "running"
  /** Finished normally: finish_reason "stop" or "length" (see `finishReason`). */
  | "completed"
  /** The client closed the connection mid-generation (how `/stop` reaches the origin). */
  | "client-aborted"
  /** A fault was injected; `clientAborted` says whether the client gave up on it. */
  | `fault:${Fault["kind"]}`
  /** Refused before generation: bad API key (401), unknown model (404), invalid body (400). */
  | `rejected:${number}`;

/** One request to `/v1/chat/completions`, as the stand-in saw it. Times are epoch milliseconds. */
export interface RecordedRequest {
  /** The completion id sent to the client (`chatcmpl-…`). */
  id: string;
  /** The parsed JSON body, or `null` when the body was not JSON. */
  body: unknown;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  model: string | null;
  stream: boolean;
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number | null;
  outcome: RequestOutcome;
  finishReason: "stop" | "length" | null;
  /** The client closed the connection before the stand-in finished (also true for stalled faults). */
  clientAborted: boolean;
  /** Prompt tokens by the stand-in's estimate (characters / 4, rounded up). */
  promptTokens: number;
  /** Completion tokens written to the client (reasoning and content). */
  tokensSent: number;
  /** Content text written to the client so far. */
  contentSent: string;
}

/** Load the stand-in reports through `/metrics` and `/health`. */
export interface StandInLoad {
  /** Pins `vllm:kv_cache_usage_perc` (0..1); `undefined` leaves it computed from running streams. */
  kvCacheUsage?: number;
  /** Added to `vllm:num_requests_waiting` (on top of requests really queued by `maxRunning`). */
  waiting?: number;
  /** `false` makes `GET /health` answer 503. */
  healthy?: boolean;
}

/** Options of {@link startStandInModel}. Every field is optional. */
export interface StandInOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Like vLLM's `--api-key`: required as `Authorization: Bearer …` on `/v1/*` only. */
  apiKey?: string;
  /** Served model name; default "openai/gpt-oss-20b". */
  modelName?: string;
  /** More served names, for example LoRA adapters; listed by `/v1/models`, accepted as `model`. */
  extraModels?: string[];
  /** Time to first token in ms; default 150. */
  ttftMs?: number;
  /** Decode speed per stream; default 80. 0 or Infinity streams as fast as the socket allows. */
  tokensPerSecond?: number;
  /** Reasoning tokens before the answer at `reasoning_effort` low (or absent); medium ×2, high ×4. Default 8. */
  reasoningTokens?: number;
  /** Delta field for reasoning: "reasoning" (current vLLM, default) or "reasoning_content" (older servers). */
  reasoningField?: "reasoning" | "reasoning_content";
  /** The answer text; default a deterministic Markdown echo of the last user message. */
  answer?: (req: ChatRequest) => string;
  /** Initial pinned KV-cache usage (0..1); see {@link StandInLoad.kvCacheUsage}. */
  kvCacheUsage?: number;
  /** KV-cache size in tokens used to compute usage from running streams; default 800,000 (an A100 40GB, see docs/gpu-origin.md). */
  kvCacheTokens?: number;
  /** Like `--max-model-len`: prompt estimate plus budget beyond it is a 400, as on vLLM. Default 131,072. */
  maxModelLen?: number;
  /** Like `--max-num-seqs`: streams beyond this wait (counted in `vllm:num_requests_waiting`). Default unlimited. */
  maxRunning?: number;
  /** Where log lines go; default nowhere. */
  log?: (line: string) => void;
}

/** A running stand-in. */
export interface StandInModel {
  /** Base URL, for example `http://127.0.0.1:41234`; routes are under it (`/v1/chat/completions`). */
  url: string;
  /** Served model name. */
  modelName: string;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
  /** Applies `fault` to every following chat completion request (after any queued faults); `null` clears it. */
  setFault(fault: Fault | null): void;
  /** One fault per upcoming chat completion request, in order, then back to normal (or `setFault`'s). */
  queueFaults(faults: Fault[]): void;
  /** Changes the reported load; fields left out keep their value. */
  setLoad(load: StandInLoad): void;
  /** Snapshots of every chat completion request so far, oldest first. */
  requests(): RecordedRequest[];
  /** Resolves once at least `n` chat completion requests have arrived; rejects after `timeoutMs` (default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once at least `n` chat completion requests have ended (outcome no longer "running"). */
  waitForSettled(n: number, timeoutMs?: number): Promise<void>;
}
