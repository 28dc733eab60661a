/**
 * The user's data rights inside a chat: /privacy (what is kept, where, for how long), /mydata
 * (everything stored, as a JSON document), /forget (erase after a confirmation button) and
 * /region (show, or switch EU ⇄ global; leaving the EU erases the conversation first, because it
 * was kept on the promise that it stays in the EU).
 *
 * Confirmations are inline buttons (`forget:confirm`, `forget:cancel`, `region:global:confirm`,
 * `region:global:cancel`). A press counts only on the message that asked, by the user who asked,
 * within CONFIRMATION_TTL_MS; anything else gets "no longer valid". Erasures and region changes
 * are audited without content. The data region itself survives /forget: forgetting must never
 * move a chat out of the EU.
 */
import { InputFile } from "grammy";
import type { Inbound } from "../worker/telegram/update";
import { sendNotice } from "../worker/telegram/answer-stream";
import { telegramCall } from "../worker/telegram/bot-api";
import { t } from "../worker/chat/i18n";
import type { UiLanguage } from "../worker/chat/i18n";
import { parseResidency } from "../worker/chat/residency";
import type { Residency } from "../worker/chat/residency";
import type { ChatContext } from "./chat-work";
import { noticeTarget } from "./chat-work";
import type { InboxRow } from "./chat-store";
import { buildDataExport } from "./data-rights-export";

/** How long a confirmation button stays valid. */
export const CONFIRMATION_TTL_MS = 10 * 60_000;

type Command = Extract<Inbound, { kind: "command" }>;
type Callback = Extract<Inbound, { kind: "callback" }>;
type Action = "forget" | "region-global";

interface PendingConfirmation {
  action: Action;
  userId: number;
  messageId: number;
  at: number;
}

const PENDING_KEY = "pending_confirmation";
/** Meta kept by an erasure: the region (never leave the EU by forgetting) and the rate limit. */
const KEPT_ON_ERASE = ["residency", "rate_limit"] as const;

const regionName = (lang: UiLanguage, region: Residency) =>
  t(lang, region === "eu" ? "region-name-eu" : "region-name-global");

/** /privacy: what is kept, where and for how long, from the live configuration. */
export function privacyText(ctx: Pick<ChatContext, "config" | "residency">, lang: UiLanguage): string {
  const region = ctx.residency();
  return t(lang, "privacy", {
    region: regionName(lang, region),
    regionDetails: t(lang, region === "eu" ? "privacy-region-eu" : "privacy-region-global"),
    days: ctx.config.audit.retentionDays,
    auditText: t(lang, ctx.config.audit.logText ? "privacy-audit-with-text" : "privacy-audit-no-text"),
  });
}

/** /mydata: the stored conversation and settings as `mydata-<chat>.json`. */
export async function sendMyData(ctx: ChatContext, row: InboxRow, inbound: Command, lang: UiLanguage): Promise<string> {
  // A retried row must not send the document twice.
  if (ctx.store.deliveryPart(inbound.updateId, 0) !== undefined) return "mydata-sent";
  const document = buildDataExport(ctx, inbound.chatId, Date.now());
  const bytes = new TextEncoder().encode(JSON.stringify(document, null, 2));
  const target = noticeTarget(inbound);
  const message = await telegramCall("sendDocument", () =>
    ctx.apis.durable.sendDocument(inbound.chatId, new InputFile(bytes, `mydata-${inbound.chatId}.json`), {
      caption: t(lang, "mydata-caption"),
      ...(target.threadId ? { message_thread_id: target.threadId } : {}),
      ...(target.replyToMessageId
        ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
        : {}),
    }),
  );
  ctx.store.recordDelivery(inbound.updateId, 0, message.message_id);
  ctx.audit.record({
    kind: "data-export",
    region: ctx.residency(),
    chatId: inbound.chatId,
    userId: inbound.from.id,
    updateId: row.updateId,
    outcome: "sent",
    detail: { turns: document.conversation.length, bytes: bytes.length },
  });
  return "mydata-sent";
}

/** /forget: asks for confirmation with two buttons. */
export async function askForget(ctx: ChatContext, inbound: Command, lang: UiLanguage): Promise<string> {
  await askConfirmation(ctx, inbound, "forget", t(lang, "forget-confirm"), [
    { text: t(lang, "forget-yes"), data: "forget:confirm" },
    { text: t(lang, "forget-no"), data: "forget:cancel" },
  ]);
  return "forget-asked";
}

/** /region, /region eu, /region global. */
export async function runRegion(ctx: ChatContext, row: InboxRow, inbound: Command, lang: UiLanguage): Promise<string> {
  const current = ctx.residency();
  const wanted = parseResidency(inbound.args);
  const notice = (text: string) => sendNotice(ctx.apis.durable, noticeTarget(inbound), text);
  if (wanted === undefined) {
    await notice(`${t(lang, "region-current", { region: regionName(lang, current) })}\n\n${privacyRegionLine(lang, current)}`);
    return "region-shown";
  }
  if (wanted === current) {
    await notice(t(lang, "region-already", { region: regionName(lang, current) }));
    return "region-unchanged";
  }
  if (wanted === "eu") {
    // Moving into the EU is always allowed and needs no erasure: nothing leaves the EU.
    ctx.store.setMeta("residency", "eu");
    recordRegionChange(ctx, inbound, row, "global", "eu");
    await notice(t(lang, "region-changed", { region: regionName(lang, "eu") }));
    return "region-eu";
  }
  await askConfirmation(ctx, inbound, "region-global", t(lang, "region-global-confirm"), [
    { text: t(lang, "region-global-yes"), data: "region:global:confirm" },
    { text: t(lang, "forget-no"), data: "region:global:cancel" },
  ]);
  return "region-global-asked";
}

/** Handles a data-rights button; undefined when the button is not ours. */
export async function handleDataRightsCallback(
  ctx: ChatContext,
  row: InboxRow,
  inbound: Callback,
  lang: UiLanguage,
): Promise<string | undefined> {
  const parsed = parseCallback(inbound.data);
  if (!parsed) return undefined;
  await telegramCall("answerCallbackQuery", () => ctx.apis.ephemeral.answerCallbackQuery(inbound.callbackId)).catch(
    (error: unknown) => ctx.log("callback-answer-failed", row, error),
  );
  const pending = ctx.store.getMeta<PendingConfirmation>(PENDING_KEY);
  const valid =
    pending !== undefined &&
    pending.action === parsed.action &&
    pending.messageId === inbound.messageId &&
    pending.userId === inbound.from.id &&
    Date.now() - pending.at <= CONFIRMATION_TTL_MS;
  if (!valid) {
    await replaceConfirmation(ctx, inbound, t(lang, "forget-expired"));
    return `${parsed.action}-expired`;
  }
  ctx.store.deleteMeta(PENDING_KEY);
  if (!parsed.confirmed) {
    const text =
      parsed.action === "forget"
        ? t(lang, "forget-cancelled")
        : t(lang, "region-unchanged", { region: regionName(lang, ctx.residency()) });
    await replaceConfirmation(ctx, inbound, text);
    return `${parsed.action}-cancelled`;
  }
  if (parsed.action === "forget") {
    eraseChat(ctx, row, inbound, "forget");
    await replaceConfirmation(ctx, inbound, t(lang, "forget-done"));
    return "forget-done";
  }
  eraseChat(ctx, row, inbound, "region-switch");
  ctx.store.setMeta("residency", "global");
  recordRegionChange(ctx, inbound, row, "eu", "global");
  await replaceConfirmation(ctx, inbound, t(lang, "region-changed", { region: regionName(lang, "global") }));
  return "region-global";
}

function parseCallback(data: string): { action: Action; confirmed: boolean } | undefined {
  switch (data) {
    case "forget:confirm":
      return { action: "forget", confirmed: true };
    case "forget:cancel":
      return { action: "forget", confirmed: false };
    case "region:global:confirm":
      return { action: "region-global", confirmed: true };
    case "region:global:cancel":
      return { action: "region-global", confirmed: false };
    default:
      return undefined;
  }
}

function privacyRegionLine(lang: UiLanguage, region: Residency): string {
  return t(lang, region === "eu" ? "privacy-region-eu" : "privacy-region-global");
}

async function askConfirmation(
  ctx: ChatContext,
  inbound: Command,
  action: Action,
  text: string,
  buttons: { text: string; data: string }[],
): Promise<void> {
  const messageId = await sendNotice(ctx.apis.durable, noticeTarget(inbound), text, {
    reply_markup: { inline_keyboard: [buttons.map((b) => ({ text: b.text, callback_data: b.data }))] },
  });
  ctx.store.setMeta(PENDING_KEY, { action, userId: inbound.from.id, messageId, at: Date.now() } satisfies PendingConfirmation);
}

/** Turns the confirmation message into the result (which also removes its buttons). */
async function replaceConfirmation(ctx: ChatContext, inbound: Callback, text: string): Promise<void> {
  try {
    await telegramCall("editMessageText", () => ctx.apis.durable.editMessageText(inbound.chatId, inbound.messageId, text));
  } catch {
    // Too old to edit, or deleted: say it in a new message instead.
    await sendNotice(ctx.apis.durable, { chatId: inbound.chatId, threadId: inbound.threadId }, text);
  }
}

/** Erases turns, answers, deliveries, settings and queued message text; audits the count only. */
function eraseChat(ctx: ChatContext, row: InboxRow, inbound: Callback, reason: "forget" | "region-switch"): void {
  const region = ctx.residency();
  const kept = KEPT_ON_ERASE.map((key) => [key, ctx.store.getMeta<unknown>(key)] as const);
  const turns = ctx.store.allTurns().length;
  ctx.storage.transactionSync(() => {
    ctx.store.eraseChat();
    for (const [key, value] of kept) if (value !== undefined) ctx.store.setMeta(key, value);
    // The inbox keeps each update (with its text) two days for dedupe; keep the ids, drop the text.
    ctx.storage.sql.exec(
      `UPDATE inbox SET payload = json_remove(payload, '$.text') WHERE status IN ('done', 'failed') AND update_id <> ?`,
      row.updateId,
    );
  });
  ctx.audit.redactChatText(inbound.chatId, ctx.config.audit.retentionDays);
  ctx.audit.record({
    kind: "erasure",
    region,
    chatId: inbound.chatId,
    userId: inbound.from.id,
    updateId: row.updateId,
    outcome: "erased",
    detail: { reason, turns },
  });
}

function recordRegionChange(
  ctx: ChatContext,
  inbound: Command | Callback,
  row: InboxRow,
  from: Residency,
  to: Residency,
): void {
  ctx.audit.record({
    kind: "region-change",
    // Recorded in the EU shards either way: the EU side of the change is the one to account for.
    region: "eu",
    chatId: inbound.chatId,
    userId: inbound.from.id,
    updateId: row.updateId,
    outcome: `${from}->${to}`,
  });
}
