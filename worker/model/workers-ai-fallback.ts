/**
 * The optional last resort for non-EU chats: gpt-oss-20b on Workers AI, through the `AI` binding.
 *
 * Off by default (WORKERS_AI_FALLBACK=false) and never for EU chats: Workers AI runs the model
 * wherever Cloudflare has capacity, which is not an EU processor. When it is on and the binding
 * exists, it is tried after every GPU origin of a non-EU chat failed before its first token.
 *
 * The adapter makes Workers AI look like one more OpenAI-compatible origin: a `fetch` function
 * that takes the chat-completions request generate.ts would POST, calls `ai.run(...)` with
 * `stream: true` and answers an SSE Response, so the same stream parser, watchdog and abort path
 * serve it. Workers AI streams OpenAI-style chunks for this model; older text models stream
 * `{"response": "..."}` events, which are rewritten to the same chunk shape.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import { z } from "zod";
import type { Residency } from "../chat/residency";
import type { Candidate, CandidateRequest } from "./generate";

/** The model on Workers AI, and the id it carries in logs, metrics and the answer's origin. */
export const WORKERS_AI_MODEL = "@cf/openai/gpt-oss-20b";
export const WORKERS_AI_ID = "workers-ai";

/** What the adapter sends to `ai.run`: the Chat Completions form of the model's input. */
export interface WorkersAiChatInput {
  messages: CandidateRequest["messages"];
  stream: true;
  max_tokens?: number;
  reasoning_effort?: "low" | "medium" | "high";
}

/** Runs the model; in the Worker: `(input, signal) => env.AI.run(WORKERS_AI_MODEL, input, { signal })`. */
export type WorkersAiRunner = (input: WorkersAiChatInput, signal: AbortSignal | undefined) => Promise<unknown>;

/** Pure: whether a chat may use the fallback. Never for EU chats, whatever the settings say. */
export function fallbackEligible(input: { residency: Residency; enabled: boolean; bindingPresent: boolean }): boolean {
  return input.residency !== "eu" && input.enabled && input.bindingPresent;
}

/** The part of generate.ts's request body the adapter forwards. */
const ForwardedBodySchema = z.object({
  messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })),
  max_tokens: z.number().int().positive().optional(),
  reasoning_effort: z.enum(["low", "medium", "high"]).optional(),
});

const encoder = new TextEncoder();
const sse = (data: string) => encoder.encode(`data: ${data}\n\n`);

/** Rewrites one event's data into OpenAI chunk shape (legacy `{"response": ...}` events). */
function normalizeEvent(data: string): string[] {
  if (data.trim() === "[DONE]") return [data.trim()];
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return [data]; // the parser downstream counts it as malformed and skips it
  }
  if (typeof json !== "object" || json === null || "choices" in json) return [data];
  const out: string[] = [];
  const { response, usage } = json as { response?: unknown; usage?: unknown };
  if (typeof response === "string" && response.length > 0) {
    out.push(JSON.stringify({ choices: [{ index: 0, delta: { content: response }, finish_reason: null }] }));
  }
  if (typeof usage === "object" && usage !== null) out.push(JSON.stringify({ choices: [], usage }));
  return out.length > 0 ? out : [data];
}

/** The SSE body for whatever `ai.run` returned: a stream of events, or one complete result. */
function toSseBody(result: unknown): ReadableStream<Uint8Array> {
  if (result instanceof ReadableStream) {
    return (result as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .pipeThrough(
        new TransformStream<{ data: string }, Uint8Array>({
          transform(event, controller) {
            for (const data of normalizeEvent(event.data)) controller.enqueue(sse(data));
          },
        }),
      );
  }
  const text = typeof result === "object" && result !== null && "response" in result ? String(result.response) : "";
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const data of normalizeEvent(JSON.stringify({ response: text }))) controller.enqueue(sse(data));
      controller.enqueue(sse("[DONE]"));
      controller.close();
    },
  });
}

/** A `fetch` that answers generate.ts's chat-completions POST from Workers AI. */
export function workersAiFetch(run: WorkersAiRunner): typeof fetch {
  return async (_input, init) => {
    const body = ForwardedBodySchema.parse(JSON.parse(String(init?.body ?? "{}")));
    const input: WorkersAiChatInput = {
      messages: body.messages,
      stream: true,
      ...(body.max_tokens === undefined ? {} : { max_tokens: body.max_tokens }),
      ...(body.reasoning_effort === undefined ? {} : { reasoning_effort: body.reasoning_effort }),
    };
    const result = await run(input, init?.signal ?? undefined);
    return new Response(toSseBody(result), { headers: { "content-type": "text/event-stream" } });
  };
}

/** The fallback as generate.ts's last candidate. */
export function workersAiCandidate<M>(run: WorkersAiRunner, request: CandidateRequest, meta: M): Candidate<M> {
  return {
    id: WORKERS_AI_ID,
    url: "https://workers-ai.invalid/v1/chat/completions",
    headers: {},
    model: WORKERS_AI_MODEL,
    baseModel: WORKERS_AI_MODEL,
    request,
    fetch: workersAiFetch(run),
    meta,
  };
}
