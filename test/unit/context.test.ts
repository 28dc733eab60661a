import { describe, expect, it } from "vitest";
import { buildChatMessages, type HistoryMessage } from "../../worker/model/context";
import { estimateMessageTokens, PROMPT_OVERHEAD_TOKENS } from "../../worker/model/tokens";

/** n complete turns, oldest first, each message 400 ASCII characters (100 tokens + 4 framing). */
function turns(n: number): HistoryMessage[] {
  return Array.from({ length: n }, (_, i) => [
    { role: "user" as const, content: `q${i} `.padEnd(400, "x") },
    { role: "assistant" as const, content: `a${i} `.padEnd(400, "y") },
  ]).flat();
}

const base = { systemPrompt: "You are helpful.", userMessage: "What now?", tokenBudget: 100_000 };

describe("buildChatMessages", () => {
  it("sends the system prompt, the newest turns and the new message in order", () => {
    const result = buildChatMessages({ ...base, history: turns(2) });
    expect(result.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant", "user"]);
    expect(result.messages[1]?.content.startsWith("q0")).toBe(true);
    expect(result.messages.at(-1)?.content).toBe("What now?");
    expect(result).toMatchObject({ keptTurns: 2, droppedTurns: 0, overBudget: false });
  });

  it("keeps at most five previous turns by default", () => {
    const result = buildChatMessages({ ...base, history: turns(8) });
    expect(result).toMatchObject({ keptTurns: 5, droppedTurns: 3 });
    expect(result.messages[1]?.content.startsWith("q3")).toBe(true);
  });

  it("honours a smaller maxTurns", () => {
    expect(buildChatMessages({ ...base, history: turns(8), maxTurns: 2 }).keptTurns).toBe(2);
  });

  it("tells the model which language to reply in", () => {
    const result = buildChatMessages({ ...base, history: [], replyLanguage: "German" });
    expect(result.messages[0]?.content).toMatch(/^You are helpful\.\n\nReply in German/);
  });

  it("drops the oldest turns first when the budget is tight", () => {
    const fixed = buildChatMessages({ ...base, history: [] }).estimatedPromptTokens;
    const perTurn = 2 * 104;
    const result = buildChatMessages({ ...base, history: turns(5), tokenBudget: fixed + 2 * perTurn + 50 });
    expect(result).toMatchObject({ keptTurns: 2, droppedTurns: 3, overBudget: false });
    expect(result.messages[1]?.content.startsWith("q3")).toBe(true);
    expect(result.estimatedPromptTokens).toBe(fixed + 2 * perTurn);
  });

  it("applies the learned ratio to the budget", () => {
    const fixed = buildChatMessages({ ...base, history: [] }).estimatedPromptTokens;
    const budget = fixed + 2 * 208 + 50;
    expect(buildChatMessages({ ...base, history: turns(5), tokenBudget: budget, ratio: 1 }).keptTurns).toBe(2);
    expect(buildChatMessages({ ...base, history: turns(5), tokenBudget: budget, ratio: 1.5 }).keptTurns).toBe(1);
  });

  it("never sends half a turn", () => {
    const history: HistoryMessage[] = [
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: "question whose answer failed" },
      { role: "assistant", content: "second answer" },
      { role: "assistant", content: "stray answer" },
      { role: "user", content: "unanswered" },
    ];
    const result = buildChatMessages({ ...base, history });
    const contents = result.messages.map((m) => m.content);
    expect(contents).not.toContain("stray answer");
    expect(contents).not.toContain("unanswered");
    expect(result.keptTurns).toBe(2);
    for (let i = 1; i < result.messages.length - 1; i += 2) {
      expect(result.messages[i]?.role).toBe("user");
      expect(result.messages[i + 1]?.role).toBe("assistant");
    }
  });

  it("stops at the first turn that does not fit rather than skipping to older ones", () => {
    const history: HistoryMessage[] = [
      { role: "user", content: "old short" },
      { role: "assistant", content: "old short answer" },
      { role: "user", content: "huge ".repeat(2000) },
      { role: "assistant", content: "ok" },
    ];
    const fixed = buildChatMessages({ ...base, history: [] }).estimatedPromptTokens;
    const result = buildChatMessages({ ...base, history, tokenBudget: fixed + 200 });
    expect(result).toMatchObject({ keptTurns: 0, droppedTurns: 2 });
  });

  it("signals overBudget instead of cutting a message that alone is too long", () => {
    const userMessage = "x".repeat(4000);
    const result = buildChatMessages({ ...base, userMessage, history: turns(3), tokenBudget: 500 });
    expect(result.overBudget).toBe(true);
    expect(result.messages.at(-1)?.content).toBe(userMessage);
    expect(result).toMatchObject({ keptTurns: 0, droppedTurns: 3 });
    expect(result.estimatedPromptTokens).toBe(
      PROMPT_OVERHEAD_TOKENS +
        estimateMessageTokens({ content: base.systemPrompt }) +
        estimateMessageTokens({ content: userMessage }),
    );
  });
});
