/**
 * What a ChatSession does with one inbox row: answer text, run a command, or send a notice.
 *
 * Kept apart from the Durable Object class so the object stays a thin queue around storage;
 * everything here gets its dependencies through `ChatContext`.
 */
import type { Config } from "../worker/config";
import type { Inbound } from "../worker/telegram/update";
import type { TelegramApis } from "../worker/telegram/bot-api";
import { telegramCall } from "../worker/telegram/bot-api";
import { sendNotice } from "../worker/telegram/answer-stream";
import { t } from "../worker/chat/i18n";
import type { UiLanguage } from "../worker/chat/i18n";
import { detectLanguage } from "../worker/chat/language";
import type { Residency } from "../worker/chat/residency";
import type { AuditTrail } from "../worker/audit/trail";
import type { ChatStore, InboxRow } from "./chat-store";
import { answerText } from "./answer-job";
import { routingServices } from "./origin-monitor-services";
import { recordAnswerMetrics } from "../worker/observability/answer-metrics";
import { askForget, handleDataRightsCallback, privacyText, runRegion, sendMyData } from "./data-rights";

export interface RunningAnswer {
  updateId: number;
  threadId: number;
  draftId: number;
  controller: AbortController;
}

export interface ChatContext {
  config: Config;
  store: ChatStore;
  storage: DurableObjectStorage;
  apis: TelegramApis;
  residency(): Residency;
  setRunning(running: RunningAnswer | undefined): void;
  log(event: string, row: InboxRow, error?: unknown): void;
  /** The chat's audit trail: record without waiting; the session flushes it after each row. */
  audit: AuditTrail;
}

/** The last text answered (or attempted) in a thread, for /retry. */
export interface LastPrompt {
  text: string;
  updateId: number;
  answered: boolean;
}

export const lastPromptKey = (threadId: number) => `last_prompt:${threadId}`;

/** The UI language for a row: the text's own language, else the chat's last one, else the hint. */
export function uiLanguageFor(ctx: Pick<ChatContext, "store">, inbound: Inbound): UiLanguage {
  const hint = "from" in inbound ? inbound.from.languageCode : undefined;
  if (inbound.kind === "text") return detectLanguage(inbound.text, hint).ui;
  return ctx.store.getMeta<UiLanguage>("ui_language") ?? detectLanguage("", hint).ui;
}

export function noticeTarget(inbound: Inbound) {
  return {
    chatId: inbound.chatId,
    threadId: inbound.threadId,
    replyToMessageId: "messageId" in inbound && inbound.chatType !== "private" ? inbound.messageId : undefined,
  };
}

/** Handles one row; returns a short outcome for the inbox (and the logs). */
export async function handleInboxRow(ctx: ChatContext, row: InboxRow): Promise<string> {
  const inbound = row.inbound;
  const lang = uiLanguageFor(ctx, inbound);
  const notice = (text: string, extra?: Record<string, unknown>) =>
    sendNotice(ctx.apis.durable, noticeTarget(inbound), text, extra);

  if (row.limited) {
    recordAnswerMetrics(
      { at: Date.now(), region: ctx.residency(), degraded: false, failovers: 0, totalMs: 0, outcome: "limited" },
      { updateId: inbound.updateId, chatId: inbound.chatId },
      { analytics: routingServices(ctx.config).analytics },
    );
    if (row.limited.notify) {
      await notice(t(lang, "rate-limited", { seconds: Math.max(1, Math.ceil(row.limited.retryAfterMs / 1000)) }));
    }
    return "limited";
  }

  switch (inbound.kind) {
    case "text":
      return answerText(ctx, row, inbound, inbound.text);
    case "unsupported":
      await notice(t(lang, "unsupported-message"));
      return "unsupported";
    case "stop-button":
      return "nothing-to-stop";
    case "callback": {
      const handled = await handleDataRightsCallback(ctx, row, inbound, lang);
      if (handled !== undefined) return handled;
      await telegramCall("answerCallbackQuery", () => ctx.apis.ephemeral.answerCallbackQuery(inbound.callbackId));
      return "callback-ignored";
    }
    case "command":
      return runCommand(ctx, row, inbound, lang, notice);
  }
}

async function runCommand(
  ctx: ChatContext,
  row: InboxRow,
  inbound: Extract<Inbound, { kind: "command" }>,
  lang: UiLanguage,
  notice: (text: string) => Promise<number>,
): Promise<string> {
  switch (inbound.command) {
    case "start":
      await notice(t(lang, "start"));
      return "start";
    case "help":
      await notice(t(lang, "help"));
      return "help";
    case "reset":
      ctx.store.clearThread(inbound.threadId);
      ctx.store.deleteMeta(lastPromptKey(inbound.threadId));
      await notice(t(lang, "reset-done"));
      return "reset";
    case "stop":
      // Reaching the queue means nothing was running when /stop arrived.
      await notice(t(lang, "nothing-to-stop"));
      return "nothing-to-stop";
    case "retry": {
      const last = ctx.store.getMeta<LastPrompt>(lastPromptKey(inbound.threadId));
      if (!last) {
        await notice(t(lang, "nothing-to-retry"));
        return "nothing-to-retry";
      }
      if (last.answered) ctx.store.popLastExchange(inbound.threadId);
      return answerText(ctx, row, inbound, last.text);
    }
    case "privacy":
      await notice(privacyText(ctx, lang));
      return "privacy";
    case "mydata":
      return sendMyData(ctx, row, inbound, lang);
    case "forget":
      return askForget(ctx, inbound, lang);
    case "region":
      return runRegion(ctx, row, inbound, lang);
  }
}
