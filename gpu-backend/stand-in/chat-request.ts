/**
 * The `/v1/chat/completions` request body as the stand-in reads it, parsed with zod like every
 * boundary in this project. Unknown fields pass through (vLLM accepts many sampling parameters the
 * stand-in ignores), and the helpers here derive what the canned generation needs: the budget of
 * completion tokens, the reasoning effort, the prompt size and the last user message.
 */
import { z } from "zod";

const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
});

/** The fields of an OpenAI chat completion request the stand-in uses; the rest passes through. */
export const chatRequestSchema = z.looseObject({
  /** vLLM falls back to the served model when `model` is left out. */
  model: z.string().optional(),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  reasoning_effort: z.enum(["low", "medium", "high"]).nullish(),
});

/** A parsed chat completion request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The text of one message: a string, or the `text` of its text parts joined. */
export function messageText(message: ChatRequest["messages"][number]): string {
  const content = message.content;
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  return content.map((part) => part.text ?? "").join("");
}

/** The last user message's text, or "" when there is none. */
export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i];
    if (message !== undefined && message.role === "user") return messageText(message);
  }
  return "";
}

/**
 * Prompt tokens by a deliberately simple estimate: every message's text length in UTF-16 units
 * divided by 4, rounded up. Real tokenizers differ (gpt-oss uses o200k_harmony and adds chat
 * template tokens), so nothing may depend on the exact number, only on its order of magnitude.
 */
export function estimatePromptTokens(req: ChatRequest): number {
  const chars = req.messages.reduce((sum, message) => sum + messageText(message).length, 0);
  return Math.ceil(chars / 4);
}

/** The completion-token budget: `max_completion_tokens`, else `max_tokens`, else none. */
export function completionBudget(req: ChatRequest): number | null {
  return req.max_completion_tokens ?? req.max_tokens ?? null;
}

/** Reasoning tokens for this request: `base` at low (or absent) effort, ×2 at medium, ×4 at high. */
export function reasoningTokensFor(req: ChatRequest, base: number): number {
  const factor = { low: 1, medium: 2, high: 4 }[req.reasoning_effort ?? "low"];
  return Math.max(0, Math.round(base * factor));
}
