/**
 * Measurements taken around a benchmark phase: CPU time used by the runtime's processes (from
 * /proc, so it includes every thread) and the offset between the local Telegram's clock and the
 * wall clock, needed to compare its timestamps with the stand-in model's.
 */
import type { LocalTelegram } from "../local-telegram/server";
import { callBotApi } from "../stack/bot-api";
import type { BotApiTarget } from "../stack/bot-api";
import { descendants, readProcStat } from "../stack/process-tree";
import type { WranglerDev } from "../stack/wrangler-dev";

/** CPU milliseconds used so far. */
export interface CpuSample {
  /** The workerd process that runs the Worker and its Durable Objects. */
  workerd: number;
  /** wrangler dev's proxy workerd in front of it (local development only; absent in production). */
  proxy: number;
  /** wrangler's own Node process(es). */
  wrangler: number;
  /** This process: the local Telegram, the stand-in model and the load generator. */
  bench: number;
}

const sum = (pids: readonly number[]): number => pids.reduce((total, pid) => total + (readProcStat(pid)?.cpuMs ?? 0), 0);

/** A CPU sample of one `wrangler dev` and of this process. */
export function cpuSample(dev: WranglerDev): CpuSample {
  const { proxy, worker } = dev.workerd();
  const nodes = [dev.pid, ...descendants(dev.pid).filter((p) => p.comm.startsWith("node")).map((p) => p.pid)];
  const usage = process.cpuUsage();
  return { workerd: sum(worker), proxy: sum(proxy), wrangler: sum(nodes), bench: (usage.user + usage.system) / 1000 };
}

/** `after − before`, per process group, rounded to milliseconds. */
export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  return {
    workerd: Math.round(after.workerd - before.workerd),
    proxy: Math.round(after.proxy - before.proxy),
    wrangler: Math.round(after.wrangler - before.wrangler),
    bench: Math.round(after.bench - before.bench),
  };
}

/**
 * Epoch milliseconds minus local-Telegram milliseconds, from the getMe round trip with the
 * smallest delay (the call is stamped on arrival, so the error is under half that round trip).
 */
export async function telegramEpochOffset(telegram: LocalTelegram, target: BotApiTarget): Promise<number> {
  let best: { rtt: number; offset: number } | undefined;
  for (let i = 0; i < 7; i++) {
    const before = performance.timeOrigin + performance.now();
    await callBotApi(target, "getMe");
    const after = performance.timeOrigin + performance.now();
    const stamped = telegram.calls({ method: "getMe" }).at(-1)?.ms;
    if (stamped === undefined) continue;
    const offset = (before + after) / 2 - stamped;
    if (best === undefined || after - before < best.rtt) best = { rtt: after - before, offset };
  }
  if (best === undefined) throw new Error("getMe left no record on the local Telegram");
  return best.offset;
}

/** Waits until `done()` holds or `timeoutMs` passes; resolves with whether it held. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
