/**
 * Cheap token estimates for gpt-oss's o200k tokenizer, and a correction that learns from the
 * origin's own counts.
 *
 * Shipping the real tokenizer to the edge would cost megabytes of vocabulary for a number that
 * only has to be good enough to trim context. The heuristic, per Unicode code point:
 * - ASCII (English, code, punctuation, spaces): 1/4 token, o200k's ~4 characters per token;
 * - other alphabetic scripts (accented Latin, Cyrillic, Greek, Arabic, Hebrew, Indic, ...):
 *   1/2.5 token, as these split into shorter pieces;
 * - Han, kana and Hangul: 1 token each (o200k is a little better on common Chinese, so this errs
 *   high, which is the safe side for a budget);
 * - anything else outside the BMP (emoji and other symbols): 2 tokens, they are byte-split;
 * - per chat message 4 tokens of framing (harmony's `<|start|>role<|message|>…<|end|>`), and per
 *   prompt a fixed 56 (the system header vLLM's gpt-oss template adds: model identity,
 *   knowledge cutoff, date, reasoning effort, channels; plus priming the assistant's turn).
 *
 * The error that remains is multiplicative and depends on the languages a chat uses, so
 * `updateRatio` keeps a per-chat ratio between the origin's reported `prompt_tokens` and our raw
 * estimate, and `correctedEstimate` applies it.
 */

/** Framing tokens per chat message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Tokens the chat template adds once per prompt, whatever the messages. */
export const PROMPT_OVERHEAD_TOKENS = 56;

/** The ratio a chat starts with: trust the heuristic as is. */
export const INITIAL_RATIO = 1;

/** Bounds of the correction ratio: one odd sample must never halve or double the budget twice. */
export const MIN_RATIO = 0.5;
export const MAX_RATIO = 2;

/** Weight of the newest sample in the moving average. */
export const RATIO_SMOOTHING = 0.3;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function tokensForCodePoint(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return 0.25;
  if (CJK.test(ch)) return 1;
  if (cp > 0xffff) return 2;
  return 0.4;
}

/** Estimated o200k tokens of a piece of text (no message framing). 0 for the empty string. */
export function estimateTokens(text: string): number {
  let total = 0;
  for (const ch of text) total += tokensForCodePoint(ch);
  return Math.ceil(total);
}

/** Estimated tokens of one chat message, framing included. */
export function estimateMessageTokens(message: { content: string }): number {
  return MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content);
}

/** A raw estimate scaled by the chat's learned ratio, rounded up. */
export function correctedEstimate(estimate: number, ratio: number): number {
  return Math.ceil(estimate * clampRatio(ratio));
}

function clampRatio(ratio: number): number {
  if (!Number.isFinite(ratio)) return INITIAL_RATIO;
  return Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
}

/**
 * Moves the ratio toward `reported / estimated` (an exponential moving average), clamped to
 * [0.5, 2]. Pass the RAW estimate of the prompt that was sent, not the corrected one, or the
 * ratio would chase its own correction. Nonsense inputs (zero, negative, NaN) leave it as is.
 */
export function updateRatio(
  oldRatio: number,
  estimatedPromptTokens: number,
  reportedPromptTokens: number,
): number {
  const previous = clampRatio(oldRatio);
  if (!(estimatedPromptTokens > 0) || !(reportedPromptTokens > 0)) return previous;
  const sample = clampRatio(reportedPromptTokens / estimatedPromptTokens);
  return clampRatio(previous + RATIO_SMOOTHING * (sample - previous));
}
