/**
 * What a well-formed streamed chat completion from vLLM looks like, as checks over the received
 * events: a role chunk first, chunks of one completion id, content, exactly one finish chunk, a
 * usage chunk when asked for, `data: [DONE]` last. The origin smoke check runs these against a
 * real origin through the tunnel; every failed check carries a sentence an operator can act on.
 */
import { z } from "zod";
import type { StreamedEvent } from "./chat-stream";

const deltaSchema = z.looseObject({
  role: z.string().optional(),
  content: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
});

const chunkSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal("chat.completion.chunk"),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), delta: deltaSchema, finish_reason: z.string().nullish() })),
  usage: z
    .looseObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
    .nullish(),
});

type Chunk = z.infer<typeof chunkSchema>;

/** One check's verdict. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the stream said, for the report. */
export interface StreamSummary {
  content: string;
  reasoningField: "reasoning" | "reasoning_content" | null;
  finishReason: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

/** Checks a received stream. `expectUsage` is whether `stream_options.include_usage` was sent. */
export function checkChatStream(events: readonly StreamedEvent[], expectUsage: boolean): { checks: Check[]; summary: StreamSummary } {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const doneAt = events.findIndex((e) => e.data === "[DONE]");
  check("ends with [DONE]", doneAt === events.length - 1 && doneAt >= 0,
    doneAt < 0 ? "no `data: [DONE]` arrived: the stream was cut (tunnel, proxy or vLLM crash)" : doneAt === events.length - 1 ? "ok" : "events arrived after [DONE]");

  const chunks: Chunk[] = [];
  const bad: string[] = [];
  for (const event of events.slice(0, doneAt < 0 ? events.length : doneAt)) {
    const parsed = chunkSchema.safeParse(event.json);
    if (parsed.success) chunks.push(parsed.data);
    else bad.push(event.data.slice(0, 120));
  }
  check("every event is a chat.completion.chunk", bad.length === 0 && chunks.length > 0,
    bad.length === 0 ? (chunks.length > 0 ? `${chunks.length} chunks` : "no chunks at all") : `not a chunk: ${bad[0] ?? ""}`);
  check("one completion id", new Set(chunks.map((c) => c.id)).size <= 1, `ids: ${[...new Set(chunks.map((c) => c.id))].join(", ")}`);

  const first = chunks[0]?.choices[0]?.delta;
  check("first chunk carries the assistant role", first?.role === "assistant", `first delta: ${JSON.stringify(first ?? null)}`);

  const choiceChunks = chunks.filter((c) => c.choices.length > 0);
  const content = choiceChunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
  check("content arrives in delta.content", content.length > 0, content.length > 0 ? `${content.length} characters` : "no content at all");

  const finishIdx = choiceChunks.flatMap((c, i) => (c.choices[0]?.finish_reason ? [i] : []));
  const finishReason = finishIdx.length === 1 ? (choiceChunks[finishIdx[0] ?? 0]?.choices[0]?.finish_reason ?? null) : null;
  check("exactly one finish chunk, last among choices", finishIdx.length === 1 && finishIdx[0] === choiceChunks.length - 1,
    `finish chunks at ${JSON.stringify(finishIdx)} of ${choiceChunks.length}`);
  check("finish_reason is stop or length", finishReason === "stop" || finishReason === "length", `finish_reason: ${String(finishReason)}`);

  const usageChunks = chunks.filter((c) => c.usage !== null && c.usage !== undefined);
  const usage = usageChunks.at(-1)?.usage ?? null;
  if (expectUsage) {
    const last = chunks.at(-1);
    check("usage chunk last, with no choices", last !== undefined && last.choices.length === 0 && usage !== null, `last chunk: ${JSON.stringify(last ?? null).slice(0, 160)}`);
    check("usage adds up", usage !== null && usage.completion_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens,
      `usage: ${JSON.stringify(usage)}`);
  }

  const hasReasoning = choiceChunks.some((c) => typeof c.choices[0]?.delta.reasoning === "string");
  const hasReasoningContent = choiceChunks.some((c) => typeof c.choices[0]?.delta.reasoning_content === "string");
  const reasoningField = hasReasoning ? "reasoning" : hasReasoningContent ? "reasoning_content" : null;
  return { checks, summary: { content, reasoningField, finishReason, usage } };
}
