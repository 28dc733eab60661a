/**
 * `npm run bench`: the two benchmarks against the local stack (wrangler dev = real workerd), on
 * loopback only, bounded in time and count. Writes bench-results/latest.json and a dated copy,
 * and prints a short table. docs/BENCHMARKS.md explains each figure.
 *
 *   npm run bench -- [--only=ack|load] [--rate 100] [--duration 10] [--chats 200] [--messages 3]
 *                    [--paced-rate 10] [--paced-duration 15] [--answer-tokens 120] [--seed 1]
 *                    [--profile] [--worker-var KEY=VALUE ...] [--max-seconds 290] [--out bench-results]
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { startStack } from "../start";
import type { Stack } from "../start";
import { freePort } from "../stack/ports";
import { startWranglerDev } from "../stack/wrangler-dev";
import type { WranglerDev } from "../stack/wrangler-dev";
import { runAckBench } from "./ack-bench";
import type { RunFigures } from "./load-bench";
import { runChats, runPaced } from "./load-bench";
import { startCpuProfile } from "./cpu-profile";
import { telegramEpochOffset } from "./probes";
import { formatTable } from "./report";
import type { BenchResult } from "./report";
import { benchAnswer, seededRandom } from "./workload";

const ROOT = join(import.meta.dirname, "..", "..");

function machine(): BenchResult["machine"] {
  const require = createRequire(import.meta.url);
  const wranglerPackage = require("wrangler/package.json") as { version: string };
  let workerd: string | undefined;
  try {
    const fromWrangler = createRequire(require.resolve("wrangler/package.json"));
    workerd = (fromWrangler(join(dirname(fromWrangler.resolve("miniflare")), "..", "..", "package.json")) as { dependencies?: Record<string, string> }).dependencies?.workerd;
  } catch {
    workerd = undefined;
  }
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cpus: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: loadavg().map((v) => Number(v.toFixed(2))),
    node: process.version,
    wrangler: wranglerPackage.version,
    workerd,
    platform: `${process.platform} ${process.arch}`,
  };
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

/** `--worker-var KEY=VALUE` (repeatable): a Worker setting for diagnostic runs, recorded in the result. */
function workerVars(raw: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of raw) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new RangeError(`--worker-var wants KEY=VALUE, got "${pair}"`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}

/** tmpfs when the machine has one: new Durable Objects create SQLite files, and a VM disk's flushes would dominate. */
function stateDir(): string {
  const chosen = process.env.BENCH_STATE_DIR ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
  return chosen;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      chats: { type: "string" },
      messages: { type: "string" },
      "paced-rate": { type: "string" },
      "paced-duration": { type: "string" },
      "answer-tokens": { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      "worker-var": { type: "string", multiple: true },
      profile: { type: "boolean", default: false },
      "max-seconds": { type: "string" },
    },
  });
  if (values.only !== undefined && values.only !== "ack" && values.only !== "load") throw new RangeError(`--only must be ack or load, got "${values.only}"`);
  const options = {
    only: values.only ?? "all",
    rate: positive("rate", values.rate, 100),
    durationS: positive("duration", values.duration, 10),
    chats: Math.round(positive("chats", values.chats, 200)),
    messagesPerChat: Math.round(positive("messages", values.messages, 3)),
    pacedRate: positive("paced-rate", values["paced-rate"], 10),
    pacedDurationS: positive("paced-duration", values["paced-duration"], 15),
    answerTokens: Math.round(positive("answer-tokens", values["answer-tokens"], 120)),
    seed: Math.round(positive("seed", values.seed, 1)),
    workerVars: workerVars(values["worker-var"] ?? []),
    profile: values.profile,
    maxSeconds: positive("max-seconds", values["max-seconds"], 290),
    stateDir: stateDir(),
    model: { ttftMs: 150, tokensPerSecond: 80, reasoningTokens: 0 },
  };
  const began = performance.now();
  const log = (line: string): void => console.log(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  const startedAt = new Date();
  const host = machine();
  log(`${String(host.cpus)} CPUs (${host.cpuModel}), load average ${JSON.stringify(host.loadAverageAtStart)}`);

  const workDir = await mkdtemp(join(options.stateDir, "gpt-oss-bench-"));
  let stack: Stack | undefined;
  let floor: WranglerDev | undefined;
  const stopAll = async (): Promise<void> => {
    await floor?.stop();
    floor = undefined;
    await stack?.stop();
    stack = undefined;
  };
  process.once("SIGINT", () => void stopAll().then(() => rm(workDir, { recursive: true, force: true })).then(() => process.exit(130)));
  // Each benchmark gets a fresh stack, so one's leftover work cannot slow the next.
  const freshStack = (): Promise<Stack> =>
    startStack({
      root: ROOT,
      ports: { telegram: 0, model: 0, worker: 0 },
      // No reasoning tokens: the stand-in's recorded first token is then the first answer token,
      // and "time to first text minus the model's time to first token" needs no guesswork.
      standIn: { ...options.model, answer: benchAnswer(options.answerTokens) },
      workerVars: options.workerVars,
      stateDir: options.stateDir,
      log,
    });

  const result: BenchResult = { startedAt: startedAt.toISOString(), machine: host, options };
  try {
    if (options.only !== "load") {
      stack = await freshStack();
      const floorSecret = randomBytes(18).toString("base64url");
      floor = await startWranglerDev({
        cwd: ROOT,
        configPath: join("scripts", "bench", "floor.wrangler.toml"),
        port: await freePort(),
        inspectorPort: await freePort(),
        vars: { FLOOR_SECRET: floorSecret },
        workDir,
      });
      log(`floor Worker: ${floor.url}`);
      result.ack = await runAckBench(stack, { dev: floor, secret: floorSecret }, { ratePerSecond: options.rate, durationS: options.durationS, warmupS: 2, drainTimeoutMs: 30_000 }, 3_000_000, log);
      await stopAll();
    }
    if (options.only !== "ack") {
      stack = await freshStack();
      const telegram = stack.telegram;
      if (telegram === undefined) throw new Error("no local Telegram");
      const offset = await telegramEpochOffset(telegram, { apiRoot: telegram.apiRoot, token: stack.bot.token });
      const stopProfile = options.profile ? await startCpuProfile(stack.worker.inspectorUrl) : undefined;
      const paced: RunFigures = await runPaced(stack, { ratePerSecond: options.pacedRate, durationS: options.pacedDurationS, drainTimeoutMs: 60_000 }, 4_000_000, offset, log);
      result.paced = stopProfile === undefined ? paced : { ...paced, profile: await stopProfile() };
      result.chats = await runChats(
        stack,
        {
          chats: options.chats,
          messagesPerChat: options.messagesPerChat,
          redeliverShare: 0.05,
          faultShare: 0.02,
          thinkS: [3, 6],
          rampS: Math.max(5, options.chats / 40),
          // The whole bench stays within --max-seconds; what has not arrived by then counts as missing.
          drainDeadline: startedAt.getTime() + options.maxSeconds * 1000 - 10_000,
          random: seededRandom(options.seed),
        },
        5_000_000,
        offset,
        log,
      );
    }
  } finally {
    await stopAll();
    await rm(workDir, { recursive: true, force: true });
  }
  result.wallS = Math.round((performance.now() - began) / 1000);

  const outDir = join(ROOT, values.out ?? "bench-results");
  await mkdir(outDir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  await writeFile(join(outDir, "latest.json"), json);
  await writeFile(join(outDir, `${stamp}.json`), json);
  console.log("");
  for (const line of formatTable(result)) console.log(line);
  console.log(`\nwrote ${join(values.out ?? "bench-results", "latest.json")} and ${stamp}.json (${String(result.wallS)} s)`);
}

await main();
