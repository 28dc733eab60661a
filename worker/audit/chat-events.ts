/**
 * The audit events a chat job writes about its updates, built in one place so every handled
 * update is described alike (kind, command, attempt) whatever path handled it.
 */
import type { Inbound } from "../telegram/update";
import type { AuditInput, AuditRegion } from "./event";

/** The event of one handled update: what it was and how handling ended. */
export function updateEvent(
  inbound: Inbound,
  outcome: string,
  region: AuditRegion,
  startedAt: number,
  now: number,
  attempt?: number,
): AuditInput {
  return {
    kind: "update",
    region,
    chatId: inbound.chatId,
    ...("from" in inbound ? { userId: inbound.from.id } : {}),
    updateId: inbound.updateId,
    outcome: outcome.slice(0, 120),
    latencyMs: Math.max(0, now - startedAt),
    detail: {
      type: inbound.kind,
      chatType: inbound.chatType,
      ...(inbound.kind === "command" ? { command: inbound.command } : {}),
      ...(inbound.kind === "callback" ? { callback: inbound.data.slice(0, 64) } : {}),
      ...(attempt === undefined ? {} : { attempt }),
    },
    ...(inbound.kind === "text" ? { text: inbound.text } : {}),
  };
}

/** The event of one answer: where it was computed, how it ended, how long and how many tokens. */
export function answerEvent(facts: {
  inbound: Extract<Inbound, { kind: "text" } | { kind: "command" }>;
  region: AuditRegion;
  origin: string | undefined;
  outcome: string;
  startedAt: number;
  firstTokenAt: number | undefined;
  now: number;
  usage: { promptTokens: number; completionTokens: number } | undefined;
  keptTurns: number;
  answer: string;
}): AuditInput {
  const { inbound } = facts;
  return {
    kind: "answer",
    region: facts.region,
    chatId: inbound.chatId,
    userId: inbound.from.id,
    updateId: inbound.updateId,
    outcome: facts.outcome.slice(0, 120),
    latencyMs: Math.max(0, facts.now - facts.startedAt),
    ...(facts.origin === undefined ? {} : { origin: facts.origin }),
    ...(facts.usage === undefined ? {} : { promptTokens: facts.usage.promptTokens, completionTokens: facts.usage.completionTokens }),
    detail: {
      keptTurns: facts.keptTurns,
      ...(facts.firstTokenAt === undefined ? {} : { ttftMs: Math.max(0, facts.firstTokenAt - facts.startedAt) }),
    },
    text: facts.answer,
  };
}
