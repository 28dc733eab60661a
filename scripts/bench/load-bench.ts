/**
 * Benchmark (b): users chatting with the bot through the local Telegram, which delivers the
 * webhooks itself (in order per chat, up to max_connections at once) and enforces Telegram's
 * rate limits on the bot's calls. Two runs:
 *
 * - paced: one message a chat at a fixed rate (10 updates/s by default), a load the machine
 *   carries easily, so the time from webhook to first draft minus the model's own time to first
 *   token shows what the edge itself adds (issue 2's figure);
 * - chats: N chats at once, a few messages each with a pause to read in between, 5% of updates
 *   delivered twice and 2% of model requests failing (HTTP 500, or the stream cut mid-answer).
 *   Every user message must get exactly one final answer.
 */
import type { Fault, StandInModel } from "../../gpu-backend/stand-in/server";
import type { LocalTelegram, StoredMessage } from "../local-telegram/server";
import type { Stack } from "../start";
import type { LoadFigures, SentMessage } from "./load-analysis";
import { analyzeLoad } from "./load-analysis";
import { cpuDelta, cpuSample, waitUntil } from "./probes";
import type { CpuSample } from "./probes";
import { benchText, benchUser, messageTag, redeliveryOf } from "./workload";

export interface RunFigures extends LoadFigures {
  wallS: number;
  /** workerd CPU per second while the stack sat idle just before the run (health probes, timers). */
  idleWorkerdCpuMsPerS?: number;
  cpuMs: CpuSample;
  /** workerd (Worker and proxy) CPU milliseconds per user message. */
  workerdCpuMsPerMessage: number | null;
  /** Whether every answer arrived before the drain timeout. */
  complete: boolean;
}

export interface PacedOptions {
  ratePerSecond: number;
  durationS: number;
  drainTimeoutMs: number;
}

export interface ChatsOptions {
  chats: number;
  messagesPerChat: number;
  redeliverShare: number;
  faultShare: number;
  /** A user's pause between messages, in seconds: uniform in [min, max]. */
  thinkS: [number, number];
  /** Chats start uniformly over this many seconds. */
  rampS: number;
  /** Date.now() by which every answer must have arrived (the bench's time limit). */
  drainDeadline: number;
  random: () => number;
}

export interface ChatsFigures extends RunFigures {
  chats: number;
  messagesPerChat: number;
  redelivered: number;
  faultsQueued: number;
  /** Model requests by outcome, as the stand-in recorded them. */
  modelOutcomes: Record<string, number>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function locals(stack: Stack): { telegram: LocalTelegram; model: StandInModel } {
  if (stack.telegram === undefined || stack.model === undefined) throw new Error("the load bench needs the local Telegram and the stand-in model");
  return { telegram: stack.telegram, model: stack.model };
}

/** A user of `chatId` writes turn `turn`; returns what the analysis needs and the stored message. */
async function write(telegram: LocalTelegram, chatId: number, turn: number): Promise<{ sent: SentMessage; stored: StoredMessage | undefined }> {
  const { updateId, messageId } = await telegram.sendUserMessage({ chatId, from: benchUser(chatId), text: benchText(chatId, turn) });
  const stored = telegram.chatMessages(chatId).find((m) => m.messageId === messageId);
  return { sent: { chatId, updateId, ms: stored?.ms ?? Number.NaN, tag: messageTag(chatId, turn) }, stored };
}

/** Waits for one final message per user message (or the timeout), then a moment for late duplicates. */
async function drain(stack: Stack, chats: ReadonlySet<number>, expected: number, timeoutMs: number): Promise<boolean> {
  const { telegram, model } = locals(stack);
  const finals = (): number => telegram.calls({ method: "sendMessage" }).filter((c) => c.status === 200 && c.chatId !== undefined && chats.has(c.chatId)).length;
  const complete = await waitUntil(() => finals() >= expected && model.requests().every((r) => r.outcome !== "running"), timeoutMs, 500);
  await sleep(1500);
  return complete;
}

async function finish(stack: Stack, sent: SentMessage[], startedAt: number, before: CpuSample, complete: boolean, epochOffsetMs: number): Promise<RunFigures> {
  const { telegram, model } = locals(stack);
  const cpu = cpuDelta(before, cpuSample(stack.worker));
  const chats = [...new Set(sent.map((s) => s.chatId))];
  const figures = analyzeLoad({
    sent,
    calls: telegram.calls(),
    deliveries: telegram.webhookDeliveries(),
    requests: model.requests(),
    messages: new Map(chats.map((id) => [id, telegram.chatMessages(id)])),
    epochOffsetMs,
  });
  return {
    ...figures,
    wallS: Math.round((Date.now() - startedAt) / 100) / 10,
    cpuMs: cpu,
    workerdCpuMsPerMessage: sent.length === 0 ? null : Number(((cpu.workerd + cpu.proxy) / sent.length).toFixed(2)),
    complete,
  };
}

/** The paced run: one message per new chat, `ratePerSecond` of them, for `durationS`. */
export async function runPaced(stack: Stack, options: PacedOptions, chatBase: number, epochOffsetMs: number, log: (line: string) => void): Promise<RunFigures> {
  const { telegram } = locals(stack);
  const count = Math.round(options.ratePerSecond * options.durationS);
  const idleBefore = cpuSample(stack.worker);
  await sleep(5000);
  const idle = cpuDelta(idleBefore, cpuSample(stack.worker));
  log(`paced: ${count} messages at ${options.ratePerSecond}/s`);
  const before = cpuSample(stack.worker);
  const startedAt = Date.now();
  const start = performance.now();
  const sent: SentMessage[] = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / options.ratePerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    sent.push((await write(telegram, chatBase + i, 0)).sent);
  }
  const complete = await drain(stack, new Set(sent.map((s) => s.chatId)), count, options.drainTimeoutMs);
  return { ...(await finish(stack, sent, startedAt, before, complete, epochOffsetMs)), idleWorkerdCpuMsPerS: Math.round((idle.workerd + idle.proxy) / 5) };
}

interface ChatEvent {
  atMs: number;
  chatId: number;
  turn: number;
}

/** The schedule of every message: each chat starts within the ramp, then pauses to read. */
export function chatSchedule(options: Pick<ChatsOptions, "chats" | "messagesPerChat" | "thinkS" | "rampS" | "random">, chatBase: number): ChatEvent[] {
  const events: ChatEvent[] = [];
  const [thinkMin, thinkMax] = options.thinkS;
  for (let c = 0; c < options.chats; c++) {
    let at = options.random() * options.rampS * 1000;
    for (let turn = 0; turn < options.messagesPerChat; turn++) {
      events.push({ atMs: at, chatId: chatBase + c, turn });
      at += (thinkMin + options.random() * (thinkMax - thinkMin)) * 1000;
    }
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

const FAULTS: readonly Fault[] = [{ kind: "status", status: 500 }, { kind: "drop-after", tokens: 5 }];

/** The chats run. */
export async function runChats(stack: Stack, options: ChatsOptions, chatBase: number, epochOffsetMs: number, log: (line: string) => void): Promise<ChatsFigures> {
  const { telegram, model } = locals(stack);
  const events = chatSchedule(options, chatBase);
  const firstRequest = model.requests().length;
  log(`chats: ${options.chats} chats × ${options.messagesPerChat} messages (${events.length}), over about ${Math.round((events.at(-1)?.atMs ?? 0) / 1000)} s`);
  const before = cpuSample(stack.worker);
  const startedAt = Date.now();
  const start = performance.now();
  const sent: SentMessage[] = [];
  let redelivered = 0;
  let faultsQueued = 0;
  for (const event of events) {
    const wait = start + event.atMs - performance.now();
    if (wait > 0) await sleep(wait);
    if (options.random() < options.faultShare) {
      model.queueFaults([FAULTS[faultsQueued % FAULTS.length] ?? { kind: "status", status: 500 }]);
      faultsQueued += 1;
    }
    const { sent: message, stored } = await write(telegram, event.chatId, event.turn);
    sent.push(message);
    if (stored !== undefined && options.random() < options.redeliverShare) {
      // The same update once more, queued behind the original in the chat's delivery order: what
      // Telegram does when a 200 was lost or came too late.
      await telegram.enqueueRawUpdate(redeliveryOf(message.updateId, stored));
      redelivered += 1;
    }
  }
  log(`chats: all ${sent.length} messages sent; waiting for the answers`);
  const complete = await drain(stack, new Set(sent.map((s) => s.chatId)), sent.length, Math.max(5000, options.drainDeadline - Date.now()));
  const figures = await finish(stack, sent, startedAt, before, complete, epochOffsetMs);
  const modelOutcomes: Record<string, number> = {};
  for (const r of model.requests().slice(firstRequest)) modelOutcomes[r.outcome] = (modelOutcomes[r.outcome] ?? 0) + 1;
  return { ...figures, chats: options.chats, messagesPerChat: options.messagesPerChat, redelivered, faultsQueued, modelOutcomes };
}
