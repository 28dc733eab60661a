/**
 * Plays one planned generation out over HTTP with realistic timing: SSE headers at once (like
 * vLLM's StreamingResponse), a wait for a scheduler slot, the time to first token, then one chunk
 * per piece at the configured decode speed, the finishing chunk, the optional usage chunk and
 * `data: [DONE]`. Injected stalls and drops happen here, and a client that hangs up stops the
 * work at once, as closing the connection frees a request's KV cache on vLLM.
 */
import type { ServerResponse } from "node:http";
import type { Generation } from "./canned-answer";
import type { ChatRequest } from "./chat-request";
import type { RequestLog } from "./request-log";
import type { Footprint, Scheduler } from "./scheduler";
import type { Fault, RecordedRequest } from "./types";
import type { VllmMetrics } from "./vllm-metrics";
import {
  completionResponse,
  contentChunk,
  finishChunk,
  reasoningChunk,
  roleChunk,
  sseData,
  usage,
  usageChunk,
} from "./wire-format";
import type { ChunkHead } from "./wire-format";

/** Shared by every generation of one stand-in. */
export interface GenerationContext {
  metrics: VllmMetrics;
  scheduler: Scheduler;
  log: RequestLog;
  ttftMs: number;
  tokensPerSecond: number;
  reasoningField: "reasoning" | "reasoning_content";
}

/** Faults that act during generation (status and refuse-connection act before it). */
export type GenerationFault = Extract<Fault, { kind: "stall-before-first-token" | "stall-after" | "drop-after" | "slow-start" }>;

/** One request to play out. `signal` aborts when the client closes the connection. */
export interface GenerationJob {
  record: RecordedRequest;
  request: ChatRequest;
  plan: Generation;
  model: string;
  fault: GenerationFault | null;
  res: ServerResponse;
  signal: AbortSignal;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let cancel = () => {};
    const done = (ok: boolean) => {
      cancel();
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    signal.addEventListener("abort", onAbort, { once: true });
    if (ms <= 0) {
      const immediate = setImmediate(() => done(true));
      cancel = () => clearImmediate(immediate);
    } else if (Number.isFinite(ms)) {
      const timer = setTimeout(() => done(true), ms);
      cancel = () => clearTimeout(timer);
    }
    // An infinite wait has no timer: only the abort ends it.
  });
}

/** Writes with backpressure: waits for `drain` when the socket buffer is full. */
function send(res: ServerResponse, text: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.on("drain", onDrain);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Runs the job to its end and settles its record. Never throws for client behaviour. */
export async function runGeneration(ctx: GenerationContext, job: GenerationJob): Promise<void> {
  const { record, request, plan, res, signal, fault } = job;
  const stream = request.stream === true;
  const head: ChunkHead = { id: record.id, created: Math.floor(record.startedAt / 1000), model: job.model };
  const settle = (patch: Partial<RecordedRequest>) => ctx.log.update(record, { endedAt: Date.now(), ...patch });
  const aborted = () => {
    ctx.metrics.finished("abort", (Date.now() - record.startedAt) / 1000);
    settle({ outcome: fault === null ? "client-aborted" : `fault:${fault.kind}`, clientAborted: true });
  };

  if (stream) {
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    ctx.metrics.httpResponse("/v1/chat/completions", "POST", 200);
  }
  const footprint: Footprint = { tokens: record.promptTokens };
  if (!(await ctx.scheduler.admit(footprint, signal))) return aborted();
  try {
    ctx.metrics.promptProcessed(record.promptTokens);
    if (fault?.kind === "stall-before-first-token") {
      await wait(Number.POSITIVE_INFINITY, signal);
      return aborted();
    }
    const ttft = fault?.kind === "slow-start" ? fault.ttftMs : ctx.ttftMs;
    if (!(await wait(ttft, signal))) return aborted();
    if (stream && !(await send(res, sseData(roleChunk(head)), signal))) return aborted();

    const pieces = [
      ...plan.reasoning.map((text) => ({ reasoning: true, text })),
      ...plan.content.map((text) => ({ reasoning: false, text })),
    ];
    const cutAt = fault?.kind === "stall-after" || fault?.kind === "drop-after" ? plan.reasoning.length + fault.tokens : -1;
    const intervalMs = ctx.tokensPerSecond > 0 && Number.isFinite(ctx.tokensPerSecond) ? 1000 / ctx.tokensPerSecond : 0;
    const decodeStart = Date.now();
    let lastTokenAt = decodeStart;
    for (let k = 0; k <= pieces.length; k++) {
      if (k === cutAt && fault?.kind === "stall-after") {
        await wait(Number.POSITIVE_INFINITY, signal);
        return aborted();
      }
      if (k === cutAt && fault?.kind === "drop-after") {
        ctx.metrics.finished("abort", (Date.now() - record.startedAt) / 1000);
        settle({ outcome: "fault:drop-after" });
        const socket = res.socket;
        // Let the chunks already written reach the client, then cut the connection mid-body.
        if (socket !== null) await new Promise<void>((resolve) => socket.write("", () => resolve()));
        socket?.destroy();
        return;
      }
      const piece = pieces[k];
      if (piece === undefined) break;
      if (k > 0 && !(await wait(decodeStart + k * intervalMs - Date.now(), signal))) return aborted();
      const chunk = piece.reasoning ? reasoningChunk(head, piece.text, ctx.reasoningField) : contentChunk(head, piece.text);
      if (stream && !(await send(res, sseData(chunk), signal))) return aborted();
      const now = Date.now();
      if (k === 0) ctx.metrics.firstToken((now - record.startedAt) / 1000);
      else ctx.metrics.nextToken((now - lastTokenAt) / 1000);
      lastTokenAt = now;
      footprint.tokens += 1;
      ctx.log.update(record, {
        firstTokenAt: record.firstTokenAt ?? now,
        tokensSent: record.tokensSent + 1,
        contentSent: piece.reasoning ? record.contentSent : record.contentSent + piece.text,
      });
    }

    const counts = usage(record.promptTokens, pieces.length);
    if (stream) {
      let tail = sseData(finishChunk(head, plan.finishReason));
      if (request.stream_options?.include_usage === true) tail += sseData(usageChunk(head, counts));
      if (!(await send(res, tail + sseData("[DONE]"), signal))) return aborted();
      res.end();
    } else {
      const message = { content: plan.content.join(""), reasoning: plan.reasoning.join(""), reasoningField: ctx.reasoningField };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(completionResponse(head, message, plan.finishReason, counts)));
      ctx.metrics.httpResponse("/v1/chat/completions", "POST", 200);
    }
    ctx.metrics.finished(plan.finishReason, (Date.now() - record.startedAt) / 1000);
    settle({
      outcome: fault === null ? "completed" : `fault:${fault.kind}`,
      finishReason: plan.finishReason,
      firstTokenAt: record.firstTokenAt ?? Date.now(),
    });
  } finally {
    ctx.scheduler.release(footprint);
  }
}
