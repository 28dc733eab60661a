/**
 * Builds the message list for one model call: the system prompt, as many recent turns as fit,
 * and the new user message.
 *
 * Rules, in order:
 * - The system prompt and the new message are always sent. If they alone exceed the token
 *   budget the result says `overBudget: true` and the caller refuses with "too-long-input";
 *   we never cut a user's message, since a silently truncated question gets a wrong answer.
 * - Previous turns go in whole (user + assistant), never half a pair: an answer without its
 *   question, or a question without its answer, misleads the model.
 * - Newest turns first, up to `maxTurns` and the budget. The first turn that does not fit ends
 *   the history: skipping it to squeeze in older ones would leave a gap in the conversation.
 * - History entries that do not form a pair (a question whose answer failed) are left out.
 */

import {
  PROMPT_OVERHEAD_TOKENS,
  correctedEstimate,
  estimateMessageTokens,
  INITIAL_RATIO,
} from "./tokens";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
}

/** Previous user+assistant pairs sent by default. */
export const DEFAULT_MAX_TURNS = 5;

export interface BuildChatMessagesInput {
  systemPrompt: string;
  /** English name of the language to answer in, e.g. "German" (see `languageName`). */
  replyLanguage?: string | undefined;
  /** Earlier messages of the chat, oldest first. */
  history: readonly HistoryMessage[];
  userMessage: string;
  /** Previous user+assistant pairs to keep at most. Default 5. */
  maxTurns?: number | undefined;
  /** Tokens the prompt may use: the context window minus what is reserved for the answer. */
  tokenBudget: number;
  /** The chat's learned estimate correction (see `updateRatio`). Default 1. */
  ratio?: number | undefined;
}

export interface BuiltChatMessages {
  messages: ChatMessage[];
  keptTurns: number;
  /** Complete pairs in the history that were not sent. */
  droppedTurns: number;
  /** RAW estimate of the prompt's tokens: feed this to `updateRatio` with the reported usage. */
  estimatedPromptTokens: number;
  /** The corrected estimate that was compared with the budget. */
  correctedPromptTokens: number;
  /** The system prompt and the new message alone do not fit the budget. */
  overBudget: boolean;
}

/** The system prompt with the reply-language instruction appended. */
export function systemPromptWithLanguage(systemPrompt: string, replyLanguage?: string): string {
  if (replyLanguage === undefined || replyLanguage === "") return systemPrompt;
  const line = `Reply in ${replyLanguage}, the language of the user's latest message, unless the user asks for another language.`;
  return systemPrompt === "" ? line : `${systemPrompt}\n\n${line}`;
}

type Turn = readonly [HistoryMessage, HistoryMessage];

/** Complete user→assistant pairs, oldest first; lone messages are skipped. */
function pairTurns(history: readonly HistoryMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (let i = 0; i < history.length - 1; i++) {
    const user = history[i];
    const assistant = history[i + 1];
    if (user?.role === "user" && assistant?.role === "assistant") {
      turns.push([user, assistant]);
      i++;
    }
  }
  return turns;
}

/** Assembles the prompt; see the module comment for the rules. */
export function buildChatMessages(input: BuildChatMessagesInput): BuiltChatMessages {
  const maxTurns = Math.max(0, input.maxTurns ?? DEFAULT_MAX_TURNS);
  const ratio = input.ratio ?? INITIAL_RATIO;
  const system: ChatMessage = {
    role: "system",
    content: systemPromptWithLanguage(input.systemPrompt, input.replyLanguage),
  };
  const user: ChatMessage = { role: "user", content: input.userMessage };

  let estimate = PROMPT_OVERHEAD_TOKENS + estimateMessageTokens(system) + estimateMessageTokens(user);
  const turns = pairTurns(input.history);

  if (correctedEstimate(estimate, ratio) > input.tokenBudget) {
    return {
      messages: [system, user],
      keptTurns: 0,
      droppedTurns: turns.length,
      estimatedPromptTokens: estimate,
      correctedPromptTokens: correctedEstimate(estimate, ratio),
      overBudget: true,
    };
  }

  const kept: Turn[] = [];
  for (let i = turns.length - 1; i >= 0 && kept.length < maxTurns; i--) {
    const turn = turns[i];
    if (turn === undefined) break;
    const withTurn = estimate + estimateMessageTokens(turn[0]) + estimateMessageTokens(turn[1]);
    if (correctedEstimate(withTurn, ratio) > input.tokenBudget) break;
    estimate = withTurn;
    kept.unshift(turn);
  }

  const history: ChatMessage[] = kept.flatMap(([q, a]) => [
    { role: q.role, content: q.content },
    { role: a.role, content: a.content },
  ]);
  return {
    messages: [system, ...history, user],
    keptTurns: kept.length,
    droppedTurns: turns.length - kept.length,
    estimatedPromptTokens: estimate,
    correctedPromptTokens: correctedEstimate(estimate, ratio),
    overBudget: false,
  };
}
