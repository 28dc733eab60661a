/**
 * Streams one chat completion from an OpenAI-compatible origin (vLLM serving gpt-oss) as typed
 * events, and turns every way it can go wrong into a named error.
 *
 * What vLLM sends: `data: {chunk}` lines; a role chunk first, then deltas where gpt-oss's
 * reasoning arrives in `delta.reasoning` (older servers: `delta.reasoning_content`) and the
 * answer in `delta.content`; a chunk with `finish_reason`; with `stream_options.include_usage`
 * a usage chunk with `choices: []`; then `data: [DONE]`. If generation fails after the headers
 * were sent, vLLM writes `data: {"error": {...}}` instead.
 *
 * Every exit that is not `[DONE]` aborts the underlying fetch. Closing the connection is how
 * vLLM learns to stop generating and free the request's KV cache, so a stopped, superseded,
 * stalled or abandoned (`break` out of the loop) stream never keeps burning the GPU.
 */

import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import { z } from "zod";
import { retryAfterMs } from "../lib/backoff";
import {
  GenerationAbortedError,
  OriginConnectError,
  OriginHttpError,
  StreamDroppedError,
  isAbortReason,
  type ModelStreamError,
} from "../lib/errors";
import { StreamWatchdog } from "./watchdog";

export interface ChatCompletionRequest {
  model: string;
  messages: { role: "system" | "user" | "assistant"; content: string }[];
  stream: true;
  stream_options: { include_usage: true };
  max_tokens?: number;
  reasoning_effort?: "low" | "medium" | "high";
  temperature?: number;
}

/** What the stream yields. Reasoning is never part of the answer. */
export type ModelEvent =
  | { type: "content"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "usage"; promptTokens: number; completionTokens: number }
  | { type: "finish"; reason: string };

export interface StreamChatCompletionArgs {
  /** Names the origin in errors and logs. */
  originId: string;
  /** The full URL, ending in `/v1/chat/completions`. */
  url: string;
  /** Authorization and Access headers; content-type and accept are added. */
  headers: Record<string, string>;
  body: ChatCompletionRequest;
  /** Aborting it aborts the request; its `reason` may be an `AbortReason`. */
  signal?: AbortSignal | undefined;
  /** From the request's start until the first answer or reasoning token. */
  firstTokenTimeoutMs: number;
  /** Longest silence allowed once tokens flow. */
  stallTimeoutMs: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Told about each chunk that was skipped as malformed (for logs). */
  onMalformedChunk?: ((data: string) => void) | undefined;
}

/** The generator's return value, for callers that drive it by hand. */
export interface StreamSummary {
  malformedChunks: number;
}

/** The most of an error response body we keep. */
const ERROR_BODY_CHARS = 500;

/** One SSE event may not grow past this (a misbehaving proxy must not exhaust memory). */
const MAX_EVENT_CHARS = 1024 * 1024;

const DeltaSchema = z.object({
  content: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
});

const ChunkSchema = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().optional(),
      delta: DeltaSchema.nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z
    .object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
    .nullish(),
});

const ErrorChunkSchema = z.object({
  error: z.object({ message: z.string().optional(), code: z.number().int().optional() }),
});

type ParsedChunk =
  | { kind: "events"; events: ModelEvent[] }
  | { kind: "error"; status: number; message: string }
  | { kind: "malformed" };

/** Reads one `data:` payload. Non-JSON and unexpected shapes are "malformed", never thrown. */
function parseChunk(data: string): ParsedChunk {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: "malformed" };
  }
  const error = ErrorChunkSchema.safeParse(json);
  if (error.success) {
    const status = error.data.error.code ?? 500;
    return { kind: "error", status, message: error.data.error.message ?? "" };
  }
  const chunk = ChunkSchema.safeParse(json);
  if (!chunk.success) return { kind: "malformed" };

  const events: ModelEvent[] = [];
  for (const choice of chunk.data.choices) {
    if ((choice.index ?? 0) !== 0) continue; // we ask for n = 1
    const reasoning = choice.delta?.reasoning ?? choice.delta?.reasoning_content;
    if (reasoning) events.push({ type: "reasoning", text: reasoning });
    const content = choice.delta?.content;
    if (content) events.push({ type: "content", text: content });
    if (choice.finish_reason) events.push({ type: "finish", reason: choice.finish_reason });
  }
  const usage = chunk.data.usage;
  if (chunk.data.choices.length === 0 && usage) {
    events.push({
      type: "usage",
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
    });
  }
  return { kind: "events", events };
}

/** The caller's abort reason as a GenerationAbortedError ("user-stop" when it gave none). */
function abortedError(reason: unknown): GenerationAbortedError {
  if (reason instanceof GenerationAbortedError) return reason;
  if (isAbortReason(reason)) return new GenerationAbortedError(reason);
  return new GenerationAbortedError("user-stop", { cause: reason });
}

async function errorBody(response: Response): Promise<string | undefined> {
  try {
    return (await response.text()).slice(0, ERROR_BODY_CHARS);
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body` to the origin and yields its events until `data: [DONE]`.
 *
 * Throws (see `worker/lib/errors.ts`): `OriginHttpError` for a non-2xx answer (with
 * `Retry-After` and the body's start) or an in-stream error object; `OriginConnectError` when
 * no response came; `FirstTokenTimeoutError`; `StreamStalledError`; `StreamDroppedError` when
 * the body ends without `[DONE]`; `GenerationAbortedError` when `signal` aborts.
 *
 * The first-token timeout counts any token, answer or reasoning: gpt-oss thinks before it
 * answers, and a model that is thinking is working. The caller decides separately how long it
 * lets reasoning run before the answer starts (`max_tokens`, `reasoning_effort`).
 */
export async function* streamChatCompletion(
  args: StreamChatCompletionArgs,
): AsyncGenerator<ModelEvent, StreamSummary> {
  const { originId, signal } = args;
  if (signal?.aborted === true) throw abortedError(signal.reason);

  const controller = new AbortController();
  let failure: ModelStreamError | undefined;
  let reader: ReadableStreamDefaultReader<EventSourceMessage> | undefined;
  const fail = (error: ModelStreamError): void => {
    failure ??= error;
    watchdog.stop();
    controller.abort(error);
    // Also settles a pending read in runtimes where aborting does not error the body.
    reader?.cancel(error).catch(() => {});
  };
  const watchdog = new StreamWatchdog({
    originId,
    firstTokenTimeoutMs: args.firstTokenTimeoutMs,
    stallTimeoutMs: args.stallTimeoutMs,
    onFire: fail,
  });
  const onAbort = (): void => fail(abortedError(signal?.reason));
  signal?.addEventListener("abort", onAbort, { once: true });

  let finished = false;
  let malformedChunks = 0;
  try {
    watchdog.start();
    let response: Response;
    try {
      response = await (args.fetch ?? fetch)(args.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          ...args.headers,
        },
        body: JSON.stringify(args.body),
        signal: controller.signal,
      });
    } catch (cause) {
      throw failure ?? new OriginConnectError(originId, cause);
    }

    if (!response.ok) {
      const body = await errorBody(response);
      if (failure !== undefined) throw failure;
      const retryAfter = retryAfterMs(response.headers.get("retry-after"), Date.now());
      throw new OriginHttpError(response.status, originId, retryAfter, body);
    }
    if (response.body === null) throw new StreamDroppedError(originId);

    reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream({ maxBufferSize: MAX_EVENT_CHARS }))
      .getReader();

    for (;;) {
      let result: ReadableStreamReadResult<EventSourceMessage>;
      watchdog.waiting();
      try {
        result = await reader.read();
      } catch (cause) {
        throw failure ?? new StreamDroppedError(originId, cause);
      } finally {
        watchdog.received();
      }
      if (failure !== undefined) throw failure;
      if (result.done) throw new StreamDroppedError(originId);

      const data = result.value.data;
      if (data.trim() === "[DONE]") {
        finished = true;
        return { malformedChunks };
      }
      const parsed = parseChunk(data);
      if (parsed.kind === "malformed") {
        malformedChunks++;
        args.onMalformedChunk?.(data);
        continue;
      }
      if (parsed.kind === "error") {
        throw new OriginHttpError(parsed.status, originId, undefined, parsed.message);
      }
      for (const event of parsed.events) {
        if (event.type === "content" || event.type === "reasoning") watchdog.tokenSeen();
        yield event;
        // The caller may have aborted while it held the event.
        if (failure !== undefined) throw failure;
      }
    }
  } finally {
    watchdog.stop();
    signal?.removeEventListener("abort", onAbort);
    if (!finished) controller.abort(failure);
    reader?.cancel().catch(() => {});
  }
}
