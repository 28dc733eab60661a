/**
 * Turns a route plan into what generate.ts sends: per origin, the model name (a per-language
 * adapter or the base model), the request (degraded for an origin under pressure) and the
 * credentials; then, for non-EU chats only, the optional Workers AI fallback.
 *
 * A degraded request uses a smaller context budget. When even the system prompt and the new
 * message do not fit that smaller budget, the normal prompt is sent (with the lower max_tokens
 * and low reasoning still applied): a user's message is never cut.
 * Pure: prompts are built by the caller's function.
 */
import type { Config } from "../config";
import type { Residency } from "../chat/residency";
import type { BuiltChatMessages } from "./context";
import { degradedBudget } from "./degrade";
import type { RequestBudget } from "./degrade";
import { originHeaders } from "./generate";
import type { Candidate } from "./generate";
import { modelFor } from "./model-routing";
import type { RoutePlan } from "./origin-router";
import { fallbackEligible, workersAiCandidate } from "./workers-ai-fallback";
import type { WorkersAiRunner } from "./workers-ai-fallback";

/** What the caller gets back with every event: the prompt that candidate was sent. */
export interface CandidateMeta {
  prompt: BuiltChatMessages;
  degraded: boolean;
}

export interface AnswerCandidatesInput {
  plan: RoutePlan;
  residency: Residency;
  config: Pick<Config, "originCredentials" | "chat" | "routing">;
  /** The message's language (ISO 639-1), for MODEL_BY_LANGUAGE. */
  languageCode: string | undefined;
  /** The prompt at the normal budget (already checked to fit). */
  prompt: BuiltChatMessages;
  /** Builds the prompt for another token budget (a degraded request's). */
  buildPrompt: (tokenBudget: number) => BuiltChatMessages;
  /** The AI binding's runner, when the binding exists. */
  workersAi?: WorkersAiRunner | undefined;
}

/** The candidates for one answer, in the plan's order, the fallback (if eligible) last. */
export function answerCandidates(input: AnswerCandidatesInput): Candidate<CandidateMeta>[] {
  const { config } = input;
  const base: RequestBudget = {
    contextTokenBudget: config.chat.contextTokenBudget,
    maxOutputTokens: config.chat.maxOutputTokens,
    reasoningEffort: config.chat.reasoningEffort,
  };
  const normal = input.prompt;
  let degradedPrompt: BuiltChatMessages | undefined;
  const promptFor = (budget: RequestBudget, degraded: boolean): BuiltChatMessages => {
    if (!degraded) return normal;
    degradedPrompt ??= input.buildPrompt(budget.contextTokenBudget);
    return degradedPrompt.overBudget ? normal : degradedPrompt;
  };

  const candidates: Candidate<CandidateMeta>[] = input.plan.candidates.map(({ origin, degraded }) => {
    const budget = degraded ? degradedBudget(base, config.routing.degrade) : base;
    const prompt = promptFor(budget, degraded);
    return {
      id: origin.id,
      url: `${origin.url.replace(/\/+$/, "")}/v1/chat/completions`,
      headers: originHeaders(config, origin.id),
      model: modelFor(input.languageCode, origin.model, config.routing.modelByLanguage),
      baseModel: origin.model,
      request: { messages: prompt.messages, max_tokens: budget.maxOutputTokens, reasoning_effort: budget.reasoningEffort },
      meta: { prompt, degraded },
    };
  });

  const eligible = fallbackEligible({
    residency: input.residency,
    enabled: config.routing.workersAiFallback,
    bindingPresent: input.workersAi !== undefined,
  });
  if (eligible && input.workersAi !== undefined) {
    const request = { messages: normal.messages, max_tokens: base.maxOutputTokens, reasoning_effort: base.reasoningEffort };
    candidates.push(workersAiCandidate(input.workersAi, request, { prompt: normal, degraded: false }));
  }
  return candidates;
}
