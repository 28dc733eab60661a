/**
 * Turns what the stand-ins recorded during a load run into the reported figures. Pure: it reads
 * the local Telegram's call log and webhook deliveries, the stand-in's request log and the chats'
 * messages, and computes, per user message:
 *
 * - when Telegram started the webhook POST that carried it (delivery end minus its duration);
 * - when the "Thinking…" draft (empty text) and the first visible text reached Telegram: a
 *   non-empty draft with the update's draft id, or else the first bot message or edit with text;
 * - the stand-in's own time to first token for the request the message caused (found by the tag
 *   in its text), so that time minus the model's share is what the edge added.
 *
 * Local Telegram times are milliseconds since it started; the stand-in's are epoch milliseconds;
 * `epochOffsetMs` (epoch = telegram + offset) relates the two.
 */
import type { RecordedCall, StoredMessage, WebhookDelivery } from "../local-telegram/server";
import type { RecordedRequest } from "../../gpu-backend/stand-in/server";
import { lastUserText } from "../../gpu-backend/stand-in/chat-request";
import { chatRequestSchema } from "../../gpu-backend/stand-in/chat-request";
import type { Summary } from "./stats";
import { summarize } from "./stats";

/** One user message the bench sent. */
export interface SentMessage {
  chatId: number;
  updateId: number;
  /** Local Telegram time when the user's message was created. */
  ms: number;
  /** The unique tag in its text (see workload.ts). */
  tag: string;
}

export interface LoadRecords {
  sent: readonly SentMessage[];
  calls: readonly RecordedCall[];
  deliveries: readonly WebhookDelivery[];
  requests: readonly RecordedRequest[];
  /** Every message of each chat of the run, as the local Telegram holds them at the end. */
  messages: ReadonlyMap<number, readonly StoredMessage[]>;
  epochOffsetMs: number;
}

export interface LoadFigures {
  messages: number;
  webhookAckMs: Summary;
  webhookStatuses: Record<string, number>;
  /** User message → first visible text on Telegram. */
  timeToFirstTextMs: Summary;
  /** The stand-in's own time to first token (request arrival → first token). */
  modelTtftMs: Summary;
  /** timeToFirstText minus the model's time to first token: what Telegram's delivery and the edge add. */
  firstTextOverModelMs: Summary;
  /** Webhook POST start → first visible text, minus the model's time to first token (issue 2's figure). */
  webhookToFirstTextOverModelMs: Summary;
  /** Webhook POST start → the "Thinking…" draft on Telegram. */
  webhookToThinkingDraftMs: Summary;
  /** Webhook POST start → the model request's arrival at the model server (across the two clocks). */
  webhookToModelRequestMs: Summary;
  /** The model's first token leaving the model server → the first visible text reaching Telegram. */
  firstTokenToFirstTextMs: Summary;
  /** First visible text → the final message: how long the answer streamed on Telegram (the model alone needs tokens ÷ rate). */
  firstTextToFinalMs: Summary;
  /** Updates whose "Thinking…" draft reached Telegram before the model's first token left the model. */
  thinkingBeforeFirstToken: { count: number; of: number };
  telegramCalls: { total: number; perAnswer: number | null; byMethod: Record<string, number>; status429: number };
  answers: { expected: number; final: number; lost: number; duplicated: number; withModelText: number; notices: Record<string, number> };
}

/** Telegram's draft id for an update, as durable-objects/answer-job.ts derives it. */
export function draftIdFor(updateId: number): number {
  return updateId % 2_147_483_647 || 1;
}

const textOf = (call: RecordedCall): string => (typeof call.params.text === "string" ? call.params.text : "");
const numberOf = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

/** The request a message caused: the one that produced a first token, else the first one seen. */
function requestsByTag(requests: readonly RecordedRequest[], tags: ReadonlySet<string>): Map<string, RecordedRequest> {
  const found = new Map<string, RecordedRequest>();
  for (const request of requests) {
    const parsed = chatRequestSchema.safeParse(request.body);
    if (!parsed.success) continue;
    const tag = /^Question \d+ from chat -?\d+:/.exec(lastUserText(parsed.data).trim())?.[0];
    if (tag === undefined || !tags.has(tag)) continue;
    const known = found.get(tag);
    if (known === undefined || (known.firstTokenAt === null && request.firstTokenAt !== null)) found.set(tag, request);
  }
  return found;
}

/** Computes the figures of one run. */
export function analyzeLoad(records: LoadRecords): LoadFigures {
  const chats = new Set(records.sent.map((s) => s.chatId));
  const calls = records.calls.filter((c) => c.chatId !== undefined && chats.has(c.chatId));
  const byChat = new Map<number, RecordedCall[]>();
  for (const call of calls) {
    const list = byChat.get(call.chatId ?? 0) ?? [];
    list.push(call);
    byChat.set(call.chatId ?? 0, list);
  }
  const requests = requestsByTag(records.requests, new Set(records.sent.map((s) => s.tag)));
  const sentUpdateIds = new Set(records.sent.map((s) => s.updateId));
  const firstDelivery = new Map<number, WebhookDelivery>();
  for (const d of records.deliveries) {
    if (d.status >= 200 && d.status < 300 && sentUpdateIds.has(d.updateId) && !firstDelivery.has(d.updateId)) firstDelivery.set(d.updateId, d);
  }

  const toFirstText: number[] = [];
  const ttft: number[] = [];
  const overModel: number[] = [];
  const webhookOverModel: number[] = [];
  const webhookToThinking: number[] = [];
  const webhookToModel: number[] = [];
  const tokenToText: number[] = [];
  const streaming: number[] = [];
  let thinkingFirst = 0;
  let thinkingCompared = 0;
  // A chat's answers come in the order of its messages (its Durable Object serializes turns), so
  // the k-th message sent into a chat is answered by the k-th message the bot sent there.
  const turnOf = new Map<SentMessage, number>();
  const sentByChat = new Map<number, SentMessage[]>();
  for (const s of [...records.sent].sort((a, b) => a.ms - b.ms)) {
    const list = sentByChat.get(s.chatId) ?? [];
    turnOf.set(s, list.length);
    list.push(s);
    sentByChat.set(s.chatId, list);
  }
  for (const message of records.sent) {
    const chatCalls = (byChat.get(message.chatId) ?? []).filter((c) => c.status === 200);
    const finals = chatCalls.filter((c) => c.method === "sendMessage");
    const draftId = draftIdFor(message.updateId);
    const drafts = chatCalls.filter((c) => c.method === "sendMessageDraft" && numberOf(c.params.draft_id) === draftId);
    const thinking = drafts.find((c) => textOf(c) === "");
    const firstDraft = drafts.find((c) => textOf(c) !== "");
    const firstMessage = finals[turnOf.get(message) ?? -1];
    const firstText = [firstDraft, firstMessage].filter((c) => c !== undefined).sort((a, b) => a.ms - b.ms)[0];
    const delivery = firstDelivery.get(message.updateId);
    const webhookStart = delivery === undefined ? undefined : delivery.ms - delivery.durationMs;
    const request = requests.get(message.tag);
    const modelTtft = request?.firstTokenAt == null ? undefined : request.firstTokenAt - request.startedAt;
    const modelClean = request !== undefined && request.outcome === "completed" && modelTtft !== undefined;

    if (firstText !== undefined) toFirstText.push(firstText.ms - message.ms);
    if (modelTtft !== undefined) ttft.push(modelTtft);
    if (firstText !== undefined && modelClean) overModel.push(firstText.ms - message.ms - modelTtft);
    if (firstText !== undefined && webhookStart !== undefined && modelClean) webhookOverModel.push(firstText.ms - webhookStart - modelTtft);
    if (thinking !== undefined && webhookStart !== undefined) webhookToThinking.push(thinking.ms - webhookStart);
    if (request !== undefined && webhookStart !== undefined) webhookToModel.push(request.startedAt - records.epochOffsetMs - webhookStart);
    if (firstText !== undefined && modelClean && request.firstTokenAt !== null) tokenToText.push(firstText.ms + records.epochOffsetMs - request.firstTokenAt);
    if (modelClean && firstText !== undefined && firstMessage !== undefined) streaming.push(firstMessage.ms - firstText.ms);
    if (thinking !== undefined && request?.firstTokenAt != null) {
      thinkingCompared += 1;
      if (thinking.ms + records.epochOffsetMs < request.firstTokenAt) thinkingFirst += 1;
    }
  }

  const expectedPerChat = new Map<number, number>();
  for (const s of records.sent) expectedPerChat.set(s.chatId, (expectedPerChat.get(s.chatId) ?? 0) + 1);
  let final = 0;
  let lost = 0;
  let duplicated = 0;
  let withModelText = 0;
  const notices: Record<string, number> = {};
  for (const [chatId, expected] of expectedPerChat) {
    const botMessages = (records.messages.get(chatId) ?? []).filter((m) => m.fromBot);
    final += botMessages.length;
    lost += Math.max(0, expected - botMessages.length);
    duplicated += Math.max(0, botMessages.length - expected);
    for (const m of botMessages) {
      if (m.text.startsWith("Stand-in answer")) withModelText += 1;
      else notices[m.text.slice(0, 60)] = (notices[m.text.slice(0, 60)] ?? 0) + 1;
    }
  }

  const byMethod: Record<string, number> = {};
  for (const c of calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  const firstUpdateId = Math.min(...sentUpdateIds);
  const runDeliveries = records.deliveries.filter((d) => d.updateId >= firstUpdateId);
  const statuses: Record<string, number> = {};
  for (const d of runDeliveries) statuses[String(d.status)] = (statuses[String(d.status)] ?? 0) + 1;

  return {
    messages: records.sent.length,
    webhookAckMs: summarize(runDeliveries.map((d) => d.durationMs)),
    webhookStatuses: statuses,
    timeToFirstTextMs: summarize(toFirstText),
    modelTtftMs: summarize(ttft),
    firstTextOverModelMs: summarize(overModel),
    webhookToFirstTextOverModelMs: summarize(webhookOverModel),
    webhookToThinkingDraftMs: summarize(webhookToThinking),
    webhookToModelRequestMs: summarize(webhookToModel),
    firstTokenToFirstTextMs: summarize(tokenToText),
    firstTextToFinalMs: summarize(streaming),
    thinkingBeforeFirstToken: { count: thinkingFirst, of: thinkingCompared },
    telegramCalls: {
      total: calls.length,
      perAnswer: final === 0 ? null : Number((calls.length / final).toFixed(1)),
      byMethod,
      status429: calls.filter((c) => c.status === 429).length,
    },
    answers: { expected: records.sent.length, final, lost, duplicated, withModelText, notices },
  };
}
