/**
 * One answer, start to finish: context from SQLite, the model's stream to the chat's origins,
 * live drafts or edits on Telegram, then durable delivery of the final text.
 *
 * Order of durability: the finished answer is stored (with the turns) before it is delivered,
 * and every delivered part is recorded. A retry after a crash therefore either regenerates an
 * answer that never finished, or only delivers the parts that had not reached Telegram.
 */
import type { Inbound } from "../worker/telegram/update";
import { AnswerPresenter } from "../worker/telegram/answer-stream";
import type { AnswerTarget, DeliveryLog } from "../worker/telegram/answer-stream";
import { t } from "../worker/chat/i18n";
import type { TextKey, UiLanguage } from "../worker/chat/i18n";
import { detectLanguage, languageName } from "../worker/chat/language";
import { buildChatMessages } from "../worker/model/context";
import { updateRatio } from "../worker/model/tokens";
import { planRoute } from "../worker/model/origin-router";
import { generate } from "../worker/model/generate";
import { answerCandidates } from "../worker/model/answer-candidates";
import type { CandidateMeta } from "../worker/model/answer-candidates";
import { AnswerTrace } from "../worker/observability/answer-trace";
import { routingServices } from "./origin-monitor-services";
import {
  GenerationAbortedError,
  NoOriginAvailableError,
  OriginHttpError,
  isAbortReason,
} from "../worker/lib/errors";
import { logEvent } from "../worker/lib/log";
import { moderationGate } from "../worker/moderation/gate";
import { answerEvent } from "../worker/audit/chat-events";
import type { ChatStore, InboxRow } from "./chat-store";
import { PLACEHOLDER_PART } from "./chat-store";
import { GroupSendBudget } from "./group-send-budget";
import type { ChatContext, LastPrompt } from "./chat-work";
import { lastPromptKey, noticeTarget } from "./chat-work";

type Addressable = Extract<Inbound, { kind: "text" } | { kind: "command" }>;

export function draftIdFor(updateId: number): number {
  return updateId % 2_147_483_647 || 1;
}

function deliveryLog(store: ChatStore, updateId: number): DeliveryLog {
  return {
    sentPart: (i) => store.deliveryPart(updateId, i),
    recordPart: (i, id) => store.recordDelivery(updateId, i, id),
    placeholder: () => store.deliveryPart(updateId, PLACEHOLDER_PART),
    recordPlaceholder: (id) => store.recordDelivery(updateId, PLACEHOLDER_PART, id),
  };
}

/** Answers `text` (the message itself, or the prompt that /retry repeats). Returns the outcome. */
export async function answerText(ctx: ChatContext, row: InboxRow, inbound: Addressable, text: string): Promise<string> {
  const { config, store } = ctx;
  const language = detectLanguage(text, inbound.from.languageCode);
  const lang = language.ui;
  store.setMeta("ui_language", lang);
  const target: AnswerTarget = {
    chatId: inbound.chatId,
    chatType: inbound.chatType,
    threadId: inbound.threadId,
    replyToMessageId: inbound.chatType === "private" ? undefined : inbound.messageId,
    draftId: draftIdFor(inbound.updateId),
  };
  const presenter = new AnswerPresenter({
    apis: ctx.apis,
    target,
    log: deliveryLog(store, inbound.updateId),
    budget: inbound.chatType === "private" ? undefined : new GroupSendBudget(store),
    draftIntervalMs: config.streaming.draftIntervalMs,
    editIntervalMs: config.streaming.groupEditIntervalMs,
    placeholderText: t(lang, "thinking-placeholder"),
    onError: (error, stage) => ctx.log(`telegram-${stage}`, row, error),
  });

  // A crash after the answer was stored: deliver what is missing, do not ask the model again.
  const stored = store.answer(inbound.updateId);
  if (stored) {
    await presenter.finish(stored.text);
    return stored.stopped ? "stopped" : "answered";
  }

  const notice = (key: TextKey, params?: Record<string, string | number>) =>
    presenter.finish(t(lang, key, params));
  if (text.length > config.chat.maxInputChars) {
    await notice("too-long-input", { max: config.chat.maxInputChars });
    return "too-long";
  }

  const ratio = store.getMeta<number>("token_ratio") ?? 1;
  const history = store.turns(inbound.threadId).map((turn) => ({ role: turn.role, content: turn.content }));
  const buildPrompt = (tokenBudget: number) => buildChatMessages({
    systemPrompt: config.chat.systemPrompt,
    replyLanguage: languageName(language.code),
    history,
    userMessage: text,
    maxTurns: config.chat.historyMaxTurns,
    tokenBudget,
    ratio,
  });
  const prompt = buildPrompt(config.chat.contextTokenBudget);
  if (prompt.overBudget) {
    await notice("too-long-input", { max: config.chat.maxInputChars });
    return "too-long";
  }
  store.setMeta(lastPromptKey(inbound.threadId), { text, updateId: inbound.updateId, answered: false } satisfies LastPrompt);

  // "Thinking…" (or the group placeholder) goes out now, while moderation and routing run.
  const starting = presenter.start();
  const residency = ctx.residency();
  const gate = moderationGate(ctx, residency, { chatId: inbound.chatId, userId: inbound.from.id, updateId: inbound.updateId },
    (error) => ctx.log("moderation-failed", row, error));
  if (await gate.refuses(text, "input")) {
    await starting;
    await notice("moderation-input-refused");
    return "moderated-input";
  }
  // Routing: residency first (EU → EU origins only), then health, breakers and load (docs/routing.md).
  const routing = routingServices(config);
  const conditions = await routing.monitor.conditions(Date.now());
  const plan = planRoute({
    origins: config.origins, residency, conditions, now: Date.now(), breaker: config.routing.breaker, degrade: config.routing.degrade,
  });
  if (plan.skipped.length > 0) logEvent({ event: "origins-skipped", updateId: inbound.updateId, chatId: inbound.chatId, residency, skipped: plan.skipped });
  const candidates = answerCandidates({
    plan, residency, config, languageCode: language.code, prompt, buildPrompt, workersAi: routing.workersAi,
  });
  const controller = new AbortController();
  ctx.setRunning({ updateId: inbound.updateId, threadId: inbound.threadId, draftId: target.draftId, controller });
  const startedAt = Date.now();
  const trace = new AnswerTrace<CandidateMeta>(residency, startedAt, routing.monitor);
  let answer = "";
  let originId: string | undefined;
  let firstTokenAt: number | undefined;
  let usage: { promptTokens: number; completionTokens: number } | undefined;
  let failure: unknown;
  try {
    for await (const event of generate({
      candidates,
      region: residency,
      timeouts: config.timeouts,
      signal: controller.signal,
      ...trace.hooks((id, error) => ctx.log(`failover-from-${id}`, row, error)),
    })) {
      trace.event(event);
      originId = event.originId;
      firstTokenAt ??= Date.now();
      if (event.type === "content") {
        answer += event.text;
        if (!gate.holdsPreviews) presenter.update(answer);
      } else if (event.type === "usage") {
        usage = { promptTokens: event.promptTokens, completionTokens: event.completionTokens };
      }
    }
  } catch (error) {
    failure = controller.signal.aborted
      ? new GenerationAbortedError(isAbortReason(controller.signal.reason) ? controller.signal.reason : "user-stop")
      : error;
  } finally {
    ctx.setRunning(undefined);
  }
  await starting;

  const stopped = failure instanceof GenerationAbortedError;
  let outcome = "answered";
  let final = answer.trim();
  if (failure && !stopped) {
    ctx.log("generation-failed", row, failure);
    outcome = "origin-error";
    final = final.length > 0 ? `${final}\n\n${t(lang, "interrupted")}` : t(lang, failureText(failure));
  } else if (stopped) {
    outcome = "stopped";
    if (final.length === 0) final = t(lang, "stopped");
  } else if (final.length === 0) {
    outcome = "empty-answer";
    final = t(lang, "generation-failed");
  }

  if (answer.trim().length > 0 && (await gate.refuses(answer.trim(), "output"))) {
    outcome = "moderated-output";
    final = t(lang, "moderation-output-withheld");
    answer = "";
  }

  // Store before delivering: a crash from here on resumes delivery, it does not regenerate.
  const keptAnswer = outcome === "answered" || (stopped && answer.trim().length > 0) ? answer.trim() : "";
  if (keptAnswer.length > 0) {
    store.saveExchange(inbound.threadId, inbound.updateId, text, keptAnswer, stopped, Date.now(), ctx.storage);
    store.setMeta(lastPromptKey(inbound.threadId), { text, updateId: inbound.updateId, answered: true } satisfies LastPrompt);
  }
  // The prompt the answering origin was sent (a degraded origin gets a shorter one).
  const sent = trace.candidate?.meta.prompt ?? prompt;
  if (usage) store.setMeta("token_ratio", updateRatio(ratio, sent.estimatedPromptTokens, usage.promptTokens));
  const metricsKeys = { updateId: inbound.updateId, chatId: inbound.chatId, keptTurns: sent.keptTurns };
  try {
    await presenter.finish(final);
  } catch (error) {
    trace.finish("telegram-error", usage, metricsKeys, routing.analytics);
    throw error;
  }

  trace.finish(outcome, usage, metricsKeys, routing.analytics);
  ctx.audit.record(answerEvent({
    inbound, region: residency, origin: originId, outcome, startedAt, firstTokenAt, now: Date.now(), usage,
    keptTurns: sent.keptTurns, answer: final,
  }));
  return outcome;
}

/** The user-facing text for a failure before any answer text arrived. */
function failureText(error: unknown): TextKey {
  const cause = error instanceof NoOriginAvailableError ? error.cause : error;
  if (cause instanceof OriginHttpError && (cause.status === 429 || cause.status === 503)) return "model-busy";
  if (error instanceof NoOriginAvailableError) return "origin-unavailable";
  return "model-busy";
}

/** Tells the user that an answer was given up on after repeated crashes. */
export async function reportInterrupted(ctx: ChatContext, row: InboxRow, lang: UiLanguage): Promise<void> {
  const inbound = row.inbound;
  if (inbound.kind !== "text" && inbound.kind !== "command") return;
  const presenter = new AnswerPresenter({
    apis: ctx.apis,
    target: { ...noticeTarget(inbound), chatType: inbound.chatType, draftId: draftIdFor(inbound.updateId) },
    log: deliveryLog(ctx.store, inbound.updateId),
    draftIntervalMs: ctx.config.streaming.draftIntervalMs,
    editIntervalMs: ctx.config.streaming.groupEditIntervalMs,
    placeholderText: "…",
  });
  await presenter.finish(t(lang, "interrupted"));
}
