/**
 * Registers the bot with Telegram: the webhook (URL, secret token, the update types the Worker
 * handles) and the command menu in each interface language. Operators run it once per deploy.
 *
 *   TELEGRAM_BOT_TOKEN=… WEBHOOK_URL=https://bot.example.com/telegram/webhook \
 *   TELEGRAM_WEBHOOK_SECRET=… npm run webhook:set [-- --drop-pending-updates --max-connections 40]
 *   npm run webhook:info
 *   npm run webhook:delete [-- --drop-pending-updates]
 *   npx tsx scripts/webhook.ts commands          (the command menu only)
 *
 * TELEGRAM_API_ROOT (default https://api.telegram.org) points it at another Bot API server, such
 * as the local Telegram of `npm start`. https://core.telegram.org/bots/api#setwebhook
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { UI_LANGUAGES, commandMenu } from "../worker/chat/i18n";
import { BotApiCallError, callBotApi } from "./stack/bot-api";
import type { BotApiTarget } from "./stack/bot-api";

/**
 * The update types worker/telegram/update.ts routes (`routeUpdate`): messages, inline button
 * presses (/forget, /region confirmations) and the draft's Stop button. Everything else would only
 * cost a request that the Worker ignores.
 */
export const ALLOWED_UPDATES = ["message", "callback_query", "stopped_message_generation"] as const;

/** Telegram's default; up to 100. Each chat's updates still arrive one at a time. */
export const DEFAULT_MAX_CONNECTIONS = 40;

export interface SetWebhookOptions {
  url: string;
  secretToken: string;
  dropPendingUpdates?: boolean;
  maxConnections?: number;
}

/** Sets the webhook with the secret and {@link ALLOWED_UPDATES}. */
export async function setWebhook(target: BotApiTarget, options: SetWebhookOptions): Promise<void> {
  await callBotApi(target, "setWebhook", {
    url: options.url,
    secret_token: options.secretToken,
    allowed_updates: ALLOWED_UPDATES,
    drop_pending_updates: options.dropPendingUpdates ?? false,
    max_connections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  });
}

/** Removes the webhook (pending updates are kept unless asked otherwise). */
export async function deleteWebhook(target: BotApiTarget, options: { dropPendingUpdates?: boolean } = {}): Promise<void> {
  await callBotApi(target, "deleteWebhook", { drop_pending_updates: options.dropPendingUpdates ?? false });
}

const webhookInfoSchema = z.looseObject({
  url: z.string(),
  has_custom_certificate: z.boolean().optional(),
  pending_update_count: z.number().int(),
  ip_address: z.string().optional(),
  last_error_date: z.number().int().optional(),
  last_error_message: z.string().optional(),
  last_synchronization_error_date: z.number().int().optional(),
  max_connections: z.number().int().optional(),
  allowed_updates: z.array(z.string()).optional(),
});
export type WebhookInfo = z.infer<typeof webhookInfoSchema>;

/** `getWebhookInfo`, checked. */
export async function getWebhookInfo(target: BotApiTarget): Promise<WebhookInfo> {
  const parsed = webhookInfoSchema.safeParse(await callBotApi(target, "getWebhookInfo"));
  if (!parsed.success) throw new BotApiCallError("getWebhookInfo", 200, "the answer is not a WebhookInfo");
  return parsed.data;
}

const isoSeconds = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");

/** WebhookInfo as lines a person reads. */
export function formatWebhookInfo(info: WebhookInfo): string[] {
  if (info.url === "") return ["webhook: not set (updates wait for getUpdates)", `pending updates: ${info.pending_update_count}`];
  const lines = [
    `webhook: ${info.url}`,
    `pending updates: ${info.pending_update_count}`,
    `max connections: ${info.max_connections ?? "default"}`,
    `allowed updates: ${info.allowed_updates === undefined ? "default (all but chat_member and reactions)" : info.allowed_updates.join(", ")}`,
  ];
  if (info.ip_address !== undefined) lines.push(`ip address: ${info.ip_address}`);
  lines.push(info.last_error_date === undefined ? "last error: none" : `last error: ${isoSeconds(info.last_error_date)} ${info.last_error_message ?? ""}`.trimEnd());
  if (info.last_synchronization_error_date !== undefined) lines.push(`last synchronization error: ${isoSeconds(info.last_synchronization_error_date)}`);
  return lines;
}

/** Sets the command menu: the default (English) and one per interface language. */
export async function setCommandMenus(target: BotApiTarget): Promise<string[]> {
  await callBotApi(target, "setMyCommands", { commands: commandMenu("en") });
  for (const language of UI_LANGUAGES) {
    await callBotApi(target, "setMyCommands", { commands: commandMenu(language), language_code: language });
  }
  return ["default", ...UI_LANGUAGES];
}

/** A missing or malformed setting or flag; the message names it. */
export class WebhookSettingError extends Error {
  override readonly name = "WebhookSettingError";
}

const TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;
const DEFAULT_API_ROOT = "https://api.telegram.org";

function required(env: Record<string, string | undefined>, name: string, pattern: RegExp, shape: string): string {
  const value = env[name] ?? "";
  if (value === "") throw new WebhookSettingError(`${name} is not set`);
  if (!pattern.test(value)) throw new WebhookSettingError(`${name} is malformed: ${shape}`);
  return value;
}

function webhookUrl(env: Record<string, string | undefined>, apiRoot: string): string {
  const value = env.WEBHOOK_URL ?? "";
  if (value === "") throw new WebhookSettingError("WEBHOOK_URL is not set (e.g. https://bot.example.com/telegram/webhook)");
  if (!URL.canParse(value)) throw new WebhookSettingError(`WEBHOOK_URL is not a URL: ${value}`);
  const url = new URL(value);
  if (apiRoot === DEFAULT_API_ROOT && url.protocol !== "https:") throw new WebhookSettingError("WEBHOOK_URL must use https:// (Telegram refuses anything else)");
  if (!/^https?:$/.test(url.protocol)) throw new WebhookSettingError("WEBHOOK_URL must use https://");
  return value;
}

const USAGE = "usage: tsx scripts/webhook.ts set|info|delete|commands [--drop-pending-updates] [--max-connections N] [--no-commands]";

/**
 * The command line, with the environment and output passed in (so tests run it in-process).
 * Returns the exit code: 0 done, 1 Telegram refused, 2 a bad setting or flag.
 */
export async function runWebhookCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
  fetchFn?: typeof fetch,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        "drop-pending-updates": { type: "boolean", default: false },
        "max-connections": { type: "string" },
        "no-commands": { type: "boolean", default: false },
      },
    });
    const command = positionals[0];
    if (positionals.length !== 1 || !["set", "info", "delete", "commands"].includes(command ?? "")) throw new WebhookSettingError(USAGE);
    const apiRoot = (env.TELEGRAM_API_ROOT ?? "") === "" ? DEFAULT_API_ROOT : (env.TELEGRAM_API_ROOT ?? DEFAULT_API_ROOT);
    const target: BotApiTarget = { apiRoot, token: required(env, "TELEGRAM_BOT_TOKEN", TOKEN, "looks like 123456:ABC-DEF..."), ...(fetchFn === undefined ? {} : { fetch: fetchFn }) };
    const dropPendingUpdates = values["drop-pending-updates"];

    if (command === "set") {
      const url = webhookUrl(env, apiRoot);
      const secretToken = required(env, "TELEGRAM_WEBHOOK_SECRET", SECRET, "1-256 of A-Z a-z 0-9 _ -");
      const rawMax = values["max-connections"] ?? String(DEFAULT_MAX_CONNECTIONS);
      const maxConnections = Number(rawMax);
      if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) throw new WebhookSettingError(`--max-connections must be 1-100, got ${rawMax}`);
      await setWebhook(target, { url, secretToken, dropPendingUpdates, maxConnections });
      print(`webhook set: ${url} (${ALLOWED_UPDATES.join(", ")}; max ${maxConnections} connections${dropPendingUpdates ? "; pending updates dropped" : ""})`);
      if (!values["no-commands"]) print(`command menu set: ${(await setCommandMenus(target)).join(", ")}`);
      for (const line of formatWebhookInfo(await getWebhookInfo(target))) print(line);
    } else if (command === "info") {
      for (const line of formatWebhookInfo(await getWebhookInfo(target))) print(line);
    } else if (command === "delete") {
      await deleteWebhook(target, { dropPendingUpdates });
      print(`webhook deleted${dropPendingUpdates ? " (pending updates dropped)" : ""}`);
    } else {
      print(`command menu set: ${(await setCommandMenus(target)).join(", ")}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof WebhookSettingError) {
      print(error.message);
      return 2;
    }
    if (error instanceof BotApiCallError) {
      print(`Telegram refused ${error.method}: ${error.errorCode} ${error.description}`);
      return 1;
    }
    if (error instanceof TypeError && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS")) {
      print(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runWebhookCli(process.argv.slice(2), process.env, (line) => console.log(line));
}
