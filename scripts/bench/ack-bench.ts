/**
 * Benchmark (a): webhook acknowledgement latency at a sustained rate, open loop, beside its floor.
 *
 * The same realistic updates (private messages from distinct chats, made by the local Telegram)
 * are POSTed with the secret header, on a fixed schedule, first to the floor Worker (Worker →
 * Durable Object → one SQLite row, scripts/bench/floor-worker.ts), then to the bot's webhook. Both
 * run in the same workerd build under `wrangler dev`, on this machine, in this run. The bot then
 * really answers every update (model stream, drafts, final message), so its acknowledgements are
 * measured while that work competes for the same CPU, as it would on one machine.
 */
import type { Stack } from "../start";
import type { WranglerDev } from "../stack/wrangler-dev";
import type { BotApiTarget } from "../stack/bot-api";
import { setWebhook } from "../webhook";
import { runOpenLoop } from "./open-loop";
import type { OpenLoopResult } from "./open-loop";
import { cpuDelta, cpuSample, waitUntil } from "./probes";
import type { CpuSample } from "./probes";
import type { Summary } from "./stats";
import { ratio, summarize } from "./stats";
import { makeUpdates } from "./workload";

export interface AckOptions {
  ratePerSecond: number;
  durationS: number;
  /** Sent first at the same rate and left out of the figures (connections, JIT, first objects). */
  warmupS: number;
  /** How long to let the bot finish answering before the next phase. */
  drainTimeoutMs: number;
}

export interface AckSide {
  latencyMs: Summary;
  statuses: Record<string, number>;
  sendLagMsP99: number | null;
  cpuMs: CpuSample;
  workerdCpuMsPerUpdate: number | null;
}

export interface AckFigures {
  ratePerSecond: number;
  durationS: number;
  updates: number;
  floor: AckSide;
  bot: AckSide;
  ratioP50: number | null;
  ratioP99: number | null;
  target: { p50: 1.5; p99: 2; metP50: boolean; metP99: boolean };
  /** Answers the bot delivered after the phase, before the drain timeout. */
  drained: { answered: number; of: number; seconds: number };
}

function side(result: OpenLoopResult, warmup: number, cpu: CpuSample, measured: number): AckSide {
  const kept = result.latenciesMs.slice(warmup).filter((v): v is number => v !== null);
  return {
    latencyMs: summarize(kept, 2),
    statuses: result.statuses,
    sendLagMsP99: summarize(result.sendLagMs.slice(warmup), 2).p99,
    cpuMs: cpu,
    workerdCpuMsPerUpdate: measured === 0 ? null : Number(((cpu.workerd + cpu.proxy) / measured).toFixed(2)),
  };
}

/** Runs benchmark (a); `chatBase` keeps its chats apart from other phases'. */
export async function runAckBench(stack: Stack, floor: { dev: WranglerDev; secret: string }, options: AckOptions, chatBase: number, log: (line: string) => void): Promise<AckFigures> {
  const telegram = stack.telegram;
  if (telegram === undefined) throw new Error("the ack bench needs the local Telegram");
  const target: BotApiTarget = { apiRoot: telegram.apiRoot, token: stack.bot.token };
  const warmup = Math.round(options.ratePerSecond * options.warmupS);
  const measured = Math.round(options.ratePerSecond * options.durationS);
  const chatIds = Array.from({ length: warmup + measured }, (_, i) => chatBase + i);
  const bodies = await makeUpdates(telegram, target, chatIds);
  const job = (url: string, secret: string) => ({
    url,
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    bodies,
    ratePerSecond: options.ratePerSecond,
    timeoutMs: 30_000,
  });

  log(`ack: floor, ${bodies.length} updates at ${options.ratePerSecond}/s`);
  let before = cpuSample(floor.dev);
  const floorRun = await runOpenLoop(job(`${floor.dev.url}/telegram/webhook`, floor.secret));
  const floorSide = side(floorRun, warmup, cpuDelta(before, cpuSample(floor.dev)), bodies.length);

  log(`ack: bot, ${bodies.length} updates at ${options.ratePerSecond}/s`);
  before = cpuSample(stack.worker);
  const botRun = await runOpenLoop(job(stack.webhookUrl, stack.bot.webhookSecret));
  const botSide = side(botRun, warmup, cpuDelta(before, cpuSample(stack.worker)), bodies.length);

  // The bot answers through the local Telegram; give the webhook back for the next phases.
  await setWebhook(target, { url: stack.webhookUrl, secretToken: stack.bot.webhookSecret, maxConnections: 100 });
  const chats = new Set(chatIds);
  const answered = (): number => telegram.calls({ method: "sendMessage" }).filter((c) => c.status === 200 && c.chatId !== undefined && chats.has(c.chatId)).length;
  const drainStart = Date.now();
  log(`ack: waiting for the bot to answer ${bodies.length} chats`);
  await waitUntil(() => answered() >= bodies.length, options.drainTimeoutMs, 500);

  const ratioP50 = ratio(botSide.latencyMs.p50, floorSide.latencyMs.p50);
  const ratioP99 = ratio(botSide.latencyMs.p99, floorSide.latencyMs.p99);
  return {
    ratePerSecond: options.ratePerSecond,
    durationS: options.durationS,
    updates: measured,
    floor: floorSide,
    bot: botSide,
    ratioP50,
    ratioP99,
    target: { p50: 1.5, p99: 2, metP50: ratioP50 !== null && ratioP50 <= 1.5, metP99: ratioP99 !== null && ratioP99 <= 2 },
    drained: { answered: answered(), of: bodies.length, seconds: Math.round((Date.now() - drainStart) / 1000) },
  };
}
