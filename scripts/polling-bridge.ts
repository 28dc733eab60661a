/**
 * The polling bridge: lets a laptop with a real bot token run the Worker locally without a public
 * webhook URL. It long-polls `getUpdates` from a Bot API root and POSTs each update to the local
 * Worker's webhook, with the secret header, strictly in order; `offset` advances only after the
 * Worker answered 2xx, so nothing is lost (a failed POST is retried with backoff) and nothing is
 * skipped. Telegram refuses getUpdates while a webhook is set, so the bridge first calls
 * deleteWebhook, keeping pending updates.
 *
 * CLI: TELEGRAM_BOT_TOKEN=... WEBHOOK_URL=http://127.0.0.1:8787/telegram/webhook \
 *      TELEGRAM_WEBHOOK_SECRET=... [TELEGRAM_API_ROOT=...] tsx scripts/polling-bridge.ts
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";

export interface PollingBridgeOptions {
  /** Bot API root (default https://api.telegram.org). */
  apiRoot?: string;
  token: string;
  /** The local Worker's webhook, e.g. http://127.0.0.1:8787/telegram/webhook. */
  webhookUrl: string;
  /** Sent as X-Telegram-Bot-Api-Secret-Token, as Telegram would. */
  secretToken?: string;
  /** Aborting stops the bridge after confirming what was delivered. */
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** Long-poll timeout in seconds (default 30). */
  pollTimeoutS?: number;
  /** Backoff for retries: full jitter between 0 and min(maxMs, baseMs * 2^attempt). */
  backoff?: { baseMs?: number; maxMs?: number };
  random?: () => number;
  log?: (line: string) => void;
}

export interface PollingBridgeResult {
  /** Updates the webhook accepted. */
  delivered: number;
  /** The next offset (last delivered update_id + 1), or 0 when none was delivered. */
  offset: number;
}

/** The bridge met an answer it cannot work with (wrong token, malformed body). */
export class PollingBridgeError extends Error {
  override readonly name = "PollingBridgeError";
}

const apiAnswer = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error_code: z.number(), description: z.string(), parameters: z.object({ retry_after: z.number().optional() }).optional() }),
]);
const updates = z.array(z.looseObject({ update_id: z.number().int() }));

/** Milliseconds to wait before retry number `attempt` (0-based), with full jitter. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

type CallResult = { ok: true; result: unknown } | { ok: false; retryAfterS?: number; description: string; fatal: boolean };

/** Runs until `signal` aborts; resolves with what was delivered. */
export async function runPollingBridge(options: PollingBridgeOptions): Promise<PollingBridgeResult> {
  const fetchFn = options.fetch ?? fetch;
  const apiRoot = (options.apiRoot ?? "https://api.telegram.org").replace(/\/+$/, "");
  const { signal } = options;
  const log = options.log ?? ((): void => {});
  const random = options.random ?? Math.random;
  const baseMs = options.backoff?.baseMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const pollTimeoutS = options.pollTimeoutS ?? 30;
  let offset = 0;
  let confirmed = 0;
  let delivered = 0;
  let failures = 0;

  const call = async (method: string, params: Record<string, unknown>, callSignal: AbortSignal): Promise<CallResult> => {
    try {
      const response = await fetchFn(`${apiRoot}/bot${options.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
        signal: callSignal,
      });
      const parsed = apiAnswer.safeParse(await response.json());
      if (!parsed.success) return { ok: false, description: `malformed ${method} answer (HTTP ${response.status})`, fatal: false };
      if (parsed.data.ok) return { ok: true, result: parsed.data.result };
      const retryAfterS = parsed.data.parameters?.retry_after;
      const fatal = parsed.data.error_code === 401 || parsed.data.error_code === 404;
      return { ok: false, description: parsed.data.description, fatal, ...(retryAfterS === undefined ? {} : { retryAfterS }) };
    } catch (error) {
      return { ok: false, description: error instanceof Error ? error.message : String(error), fatal: false };
    }
  };

  /** Waits after a failure: Telegram's retry_after when given, backoff otherwise. */
  const wait = async (what: string, outcome: { retryAfterS?: number; description: string }): Promise<void> => {
    const ms = outcome.retryAfterS === undefined ? backoffDelayMs(failures, baseMs, maxMs, random) : outcome.retryAfterS * 1000;
    failures += 1;
    log(`${what} failed (${outcome.description}); retrying in ${ms} ms`);
    await sleep(ms, signal);
  };

  const deliver = async (update: Record<string, unknown>): Promise<boolean> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = options.secretToken;
    while (!signal.aborted) {
      try {
        const response = await fetchFn(options.webhookUrl, { method: "POST", headers, body: JSON.stringify(update), signal });
        await response.body?.cancel();
        if (response.ok) return true;
        await wait(`delivering update ${String(update.update_id)}`, { description: `HTTP ${response.status}` });
      } catch (error) {
        if (signal.aborted) break;
        await wait(`delivering update ${String(update.update_id)}`, { description: error instanceof Error ? error.message : String(error) });
      }
    }
    return false;
  };

  while (!signal.aborted) {
    const removed = await call("deleteWebhook", { drop_pending_updates: false }, signal);
    if (removed.ok) break;
    if (removed.fatal) throw new PollingBridgeError(`deleteWebhook: ${removed.description}`);
    await wait("deleteWebhook", removed);
  }
  failures = 0;

  while (!signal.aborted) {
    const answer = await call("getUpdates", { offset, timeout: pollTimeoutS }, signal);
    if (signal.aborted) break;
    if (!answer.ok) {
      if (answer.fatal) throw new PollingBridgeError(`getUpdates: ${answer.description}`);
      await wait("getUpdates", answer);
      continue;
    }
    const batch = updates.safeParse(answer.result);
    if (!batch.success) throw new PollingBridgeError("getUpdates answered something that is not a list of updates");
    confirmed = offset;
    failures = 0;
    for (const update of batch.data) {
      if (update.update_id < offset) continue;
      if (!(await deliver(update))) break;
      failures = 0;
      delivered += 1;
      offset = update.update_id + 1;
    }
  }

  // Confirm what the webhook accepted, so a restart does not deliver it again.
  if (offset > confirmed) {
    const confirm = await call("getUpdates", { offset, limit: 1, timeout: 0 }, AbortSignal.timeout(5000));
    if (!confirm.ok) log(`could not confirm offset ${offset} (${confirm.description}); those updates may arrive again`);
  }
  return { delivered, offset };
}

async function main(): Promise<void> {
  const token = process.env.TELEGRAM_BOT_TOKEN ?? "";
  const webhookUrl = process.env.WEBHOOK_URL ?? "http://127.0.0.1:8787/telegram/webhook";
  if (token === "") {
    console.error("polling bridge: set TELEGRAM_BOT_TOKEN (and WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET)");
    process.exit(1);
  }
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  const secretToken = process.env.TELEGRAM_WEBHOOK_SECRET;
  const apiRoot = process.env.TELEGRAM_API_ROOT;
  console.log(`polling bridge: ${apiRoot ?? "https://api.telegram.org"} → ${webhookUrl} (Ctrl+C stops)`);
  try {
    const result = await runPollingBridge({
      token,
      webhookUrl,
      signal: controller.signal,
      log: (line) => console.log(`polling bridge: ${line}`),
      ...(secretToken === undefined || secretToken === "" ? {} : { secretToken }),
      ...(apiRoot === undefined || apiRoot === "" ? {} : { apiRoot }),
    });
    console.log(`polling bridge: stopped after delivering ${result.delivered} updates`);
  } catch (error) {
    if (!(error instanceof PollingBridgeError)) throw error;
    console.error(`polling bridge: ${error.message}`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
