/**
 * `npm start`: the whole bot on one machine with one command, no account and no token.
 *
 * It starts the local Telegram Bot API with its chat page, the stand-in model server, and the
 * Worker with its Durable Objects in the local runtime (`wrangler dev`: workerd with SQLite),
 * registers the webhook and the command menu, and prints the page's address. Ctrl-C stops it all.
 *
 * Two switches swap a stand-in for the real thing (docs/local-development.md):
 * - TELEGRAM_BOT_TOKEN: real Telegram. No local Telegram; the polling bridge long-polls
 *   api.telegram.org and feeds the local Worker's webhook (no public URL needed).
 * - MODEL_URL (+ MODEL_NAME, MODEL_API_KEY): any OpenAI-compatible server (vLLM, llama.cpp,
 *   Ollama) instead of the stand-in.
 *
 * `startStack(options)` is the same thing as a function, for the end-to-end page test and the
 * benchmark, which start it on free ports.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { StandInModel, StandInOptions } from "../gpu-backend/stand-in/server";
import { startStandInModel } from "../gpu-backend/stand-in/server";
import type { LocalTelegram, LocalTelegramOptions } from "./local-telegram/server";
import { startLocalTelegram } from "./local-telegram/server";
import type { PollingBridgeResult } from "./polling-bridge";
import { runPollingBridge } from "./polling-bridge";
import { BotApiCallError, getBotIdentity } from "./stack/bot-api";
import type { BotApiTarget } from "./stack/bot-api";
import { PortTakenError, assertPortsFree, freePort } from "./stack/ports";
import { WranglerDevError, startWranglerDev } from "./stack/wrangler-dev";
import type { WranglerDev } from "./stack/wrangler-dev";
import { setCommandMenus, setWebhook } from "./webhook";

export { PortTakenError } from "./stack/ports";
export { WranglerDevError } from "./stack/wrangler-dev";

/** The ports `npm start` uses; wrangler.toml's local `[vars]` point at the first two. */
export const DEFAULT_PORTS = { telegram: 8081, model: 8000, worker: 8787 } as const;
/** The local bot's username; the Worker must know it to see mentions in groups. */
export const LOCAL_BOT_USERNAME = "gpt_oss_local_bot";
const REAL_API_ROOT = "https://api.telegram.org";

export interface StackOptions {
  /** The repository root (where wrangler.toml is); default this file's parent folder. */
  root?: string;
  /** 0 picks a free port; defaults are {@link DEFAULT_PORTS}. */
  ports?: { telegram?: number; model?: number; worker?: number };
  /** Real Telegram through the polling bridge instead of the local Telegram. */
  realTelegram?: { token: string; apiRoot?: string };
  /** An OpenAI-compatible server instead of the stand-in; `url` is its base (".../v1" is accepted). */
  model?: { url: string; name?: string; apiKey?: string };
  /** Stand-in settings (default: 150 ms to the first token, 80 tokens/s). */
  standIn?: Omit<StandInOptions, "port" | "host" | "apiKey">;
  /** Local Telegram settings (limits, webhook retry delay, log). */
  localTelegram?: Omit<LocalTelegramOptions, "port" | "host" | "botToken" | "botUsername" | "botId">;
  /** Extra Worker settings (vars or secrets), e.g. DRAFT_INTERVAL_MS. */
  workerVars?: Record<string, string>;
  /** Progress lines of the stack itself. */
  log?: (line: string) => void;
  /** Every line wrangler dev prints, the Worker's logs included. */
  onWorkerLine?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Where the stack's private folder (settings file, Durable Object state) is made; default the OS temp folder. */
  stateDir?: string;
}

/** A running stack. */
export interface Stack {
  mode: "local" | "telegram";
  workerUrl: string;
  webhookUrl: string;
  /** The chat page (local mode only). */
  pageUrl: string | undefined;
  telegram: LocalTelegram | undefined;
  /** The stand-in (undefined with an external model). */
  model: StandInModel | undefined;
  modelUrl: string;
  worker: WranglerDev;
  bot: { token: string; username: string; webhookSecret: string };
  /** Real-Telegram mode: the polling bridge, resolving once it stops. */
  bridge: Promise<PollingBridgeResult> | undefined;
  /** Stops everything this stack started, in reverse order. Safe to call twice. */
  stop(): Promise<void>;
}

/** Local-only credentials: a token for the local Telegram and a webhook secret, fresh per start. */
export function localCredentials(random: (bytes: number) => Buffer = randomBytes): { token: string; webhookSecret: string } {
  return { token: `1000001:LOCAL${random(18).toString("base64url")}`, webhookSecret: random(24).toString("base64url") };
}

/** A model URL as the Worker wants it: the server's base, without a trailing "/v1". */
export function modelBaseUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** Starts the whole stack; on failure, stops whatever had started and rethrows. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const root = options.root ?? join(import.meta.dirname, "..");
  const log = options.log ?? ((): void => {});
  const real = options.realTelegram;
  const ports = {
    telegram: options.ports?.telegram ?? DEFAULT_PORTS.telegram,
    model: options.ports?.model ?? DEFAULT_PORTS.model,
    worker: options.ports?.worker ?? DEFAULT_PORTS.worker,
  };
  await assertPortsFree([
    { service: "the Worker under wrangler dev", port: ports.worker, envName: "WORKER_PORT" },
    ...(real === undefined ? [{ service: "the local Telegram", port: ports.telegram, envName: "LOCAL_TELEGRAM_PORT" }] : []),
    ...(options.model === undefined ? [{ service: "the stand-in model server", port: ports.model, envName: "STANDIN_PORT" }] : []),
  ]);

  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    const workDir = await mkdtemp(join(options.stateDir ?? tmpdir(), "gpt-oss-stack-"));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const webhookSecret = localCredentials().webhookSecret;

    let telegram: LocalTelegram | undefined;
    let bot: { token: string; username: string; firstName: string };
    let apiRoot: string;
    if (real === undefined) {
      const { token } = localCredentials();
      telegram = await startLocalTelegram({ ...options.localTelegram, port: ports.telegram, botToken: token, botUsername: LOCAL_BOT_USERNAME });
      const started = telegram;
      cleanups.push(() => started.close());
      bot = { token, username: LOCAL_BOT_USERNAME, firstName: started.bot.first_name };
      apiRoot = telegram.apiRoot;
      log(`local Telegram: ${apiRoot}`);
    } else {
      apiRoot = real.apiRoot ?? REAL_API_ROOT;
      const identity = await getBotIdentity({ apiRoot, token: real.token });
      bot = { token: real.token, username: identity.username, firstName: identity.firstName };
      log(`Telegram: ${apiRoot} as @${identity.username}`);
    }

    let model: StandInModel | undefined;
    let modelUrl: string;
    const vars: Record<string, string> = {};
    if (options.model === undefined) {
      const apiKey = randomBytes(18).toString("base64url");
      model = await startStandInModel({ ttftMs: 150, tokensPerSecond: 80, ...options.standIn, port: ports.model, apiKey });
      const started = model;
      cleanups.push(() => started.close());
      modelUrl = model.url;
      vars.ORIGINS = JSON.stringify([{ id: "fra1", region: "eu", url: model.url, model: model.modelName }]);
      vars.ORIGIN_FRA1_API_KEY = apiKey;
      log(`stand-in model server (NOT a model): ${model.url}`);
    } else {
      modelUrl = modelBaseUrl(options.model.url);
      vars.ORIGINS = JSON.stringify([{ id: "local", region: "eu", url: modelUrl, model: options.model.name ?? "openai/gpt-oss-20b" }]);
      if (options.model.apiKey !== undefined && options.model.apiKey !== "") vars.ORIGIN_LOCAL_API_KEY = options.model.apiKey;
      log(`model server: ${modelUrl} (${options.model.name ?? "openai/gpt-oss-20b"})`);
    }

    const workerPort = ports.worker === 0 ? await freePort() : ports.worker;
    log("starting the Worker (wrangler dev)…");
    const worker = await startWranglerDev({
      cwd: root,
      env: "",
      port: workerPort,
      inspectorPort: await freePort(),
      workDir,
      vars: {
        TELEGRAM_BOT_TOKEN: bot.token,
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_API_ROOT: apiRoot,
        BOT_USERNAME: bot.username,
        BOT_FIRST_NAME: bot.firstName,
        CHAT_JURISDICTION: "none",
        ...vars,
        ...options.workerVars,
      },
      ...(options.onWorkerLine === undefined ? {} : { onLine: options.onWorkerLine }),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    });
    cleanups.push(() => worker.stop());
    const webhookUrl = `${worker.url}/telegram/webhook`;
    log(`Worker: ${worker.url}`);

    const target: BotApiTarget = { apiRoot, token: bot.token };
    let bridge: Promise<PollingBridgeResult> | undefined;
    if (telegram !== undefined) {
      await setWebhook(target, { url: webhookUrl, secretToken: webhookSecret, maxConnections: 100 });
      await setCommandMenus(target);
    } else {
      await setCommandMenus(target);
      const controller = new AbortController();
      bridge = runPollingBridge({ apiRoot, token: bot.token, webhookUrl, secretToken: webhookSecret, signal: controller.signal, log: (line) => log(`polling bridge: ${line}`) });
      const running = bridge;
      cleanups.push(async () => {
        controller.abort();
        await running.catch(() => undefined);
      });
      log(`polling bridge: ${apiRoot} → ${webhookUrl}`);
    }

    return {
      mode: telegram === undefined ? "telegram" : "local",
      workerUrl: worker.url,
      webhookUrl,
      pageUrl: telegram?.pageUrl,
      telegram,
      model,
      modelUrl,
      worker,
      bot: { token: bot.token, username: bot.username, webhookSecret },
      bridge,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`${name} must be a port number, got "${raw}"`);
  return port;
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** Reads the environment into StackOptions; a bad value names its variable. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): StackOptions {
  const token = env.TELEGRAM_BOT_TOKEN ?? "";
  const modelUrl = env.MODEL_URL ?? "";
  return {
    ports: {
      telegram: portFromEnv(env, "LOCAL_TELEGRAM_PORT", DEFAULT_PORTS.telegram),
      model: portFromEnv(env, "STANDIN_PORT", DEFAULT_PORTS.model),
      worker: portFromEnv(env, "WORKER_PORT", DEFAULT_PORTS.worker),
    },
    ...(token === "" ? {} : { realTelegram: { token, apiRoot: env.TELEGRAM_API_ROOT || REAL_API_ROOT } }),
    ...(modelUrl === ""
      ? { standIn: { ttftMs: numberFromEnv(env, "STANDIN_TTFT_MS", 150), tokensPerSecond: numberFromEnv(env, "STANDIN_TOKENS_PER_SECOND", 80) } }
      : { model: { url: modelUrl, ...(env.MODEL_NAME ? { name: env.MODEL_NAME } : {}), ...(env.MODEL_API_KEY ? { apiKey: env.MODEL_API_KEY } : {}) } }),
  };
}

async function main(): Promise<void> {
  let options: StackOptions;
  try {
    options = optionsFromEnv(process.env);
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const quietWorker = process.env.WORKER_LOGS === "0";
  let stack: Stack;
  try {
    stack = await startStack({
      ...options,
      log: (line) => console.log(line),
      onWorkerLine: (line) => {
        if (!quietWorker && line.trim() !== "") console.log(`[worker] ${line}`);
      },
    });
  } catch (error) {
    if (error instanceof PortTakenError) console.error(`npm start: ${error.message}`);
    else if (error instanceof WranglerDevError) console.error(`npm start: ${error.message}\n${error.outputTail.slice(-15).join("\n")}`);
    else if (error instanceof BotApiCallError) console.error(`npm start: Telegram ${error.method} failed: ${error.errorCode} ${error.description}`);
    else throw error;
    process.exit(1);
  }

  console.log("");
  if (stack.pageUrl !== undefined) {
    console.log(`  Chat with the bot: ${stack.pageUrl}`);
  } else {
    console.log(`  Chat with the bot on Telegram: https://t.me/${stack.bot.username}`);
  }
  console.log(`  Worker: ${stack.workerUrl}  (wrangler dev, workerd + SQLite Durable Objects)`);
  console.log(`  Model:  ${stack.model === undefined ? stack.modelUrl : `${stack.modelUrl}  (stand-in, NOT a model)`}`);
  console.log("  Ctrl-C stops everything.\n");

  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) {
      // A second Ctrl-C: do not wait for a clean shutdown.
      process.kill(-stack.worker.pid, "SIGKILL");
      process.exit(130);
    }
    stopping = true;
    console.log("\nstopping…");
    void stack.stop().then(() => process.exit(code));
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  void stack.worker.exited.then((code) => {
    if (stopping) return;
    console.error(`npm start: wrangler dev ended unexpectedly (exit ${String(code)}); stopping`);
    stop(1);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
