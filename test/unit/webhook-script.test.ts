// scripts/webhook.ts against the local Telegram: what `set`, `info`, `delete` and `commands`
// leave on the Bot API server, and how bad settings are reported.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandMenu } from "../../worker/chat/i18n";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";
import { callBotApi } from "../../scripts/stack/bot-api";
import { freePort } from "../../scripts/stack/ports";
import { ALLOWED_UPDATES, formatWebhookInfo, runWebhookCli } from "../../scripts/webhook";

const TOKEN = "1000001:LOCALwebhook-script-test-token";

describe("scripts/webhook.ts", () => {
  let telegram: LocalTelegram;
  let env: Record<string, string | undefined>;
  let output: string[];
  // Nothing listens there: deliveries are refused, so updates stay pending (and stay on loopback).
  let HOOK: string;
  const run = (...argv: string[]): Promise<number> => runWebhookCli(argv, env, (line) => output.push(line));
  const api = (method: string, params: Record<string, unknown> = {}): Promise<unknown> => callBotApi({ apiRoot: telegram.apiRoot, token: TOKEN }, method, params);

  beforeEach(async () => {
    telegram = await startLocalTelegram({ botToken: TOKEN, webhookRetryDelayMs: 60_000 });
    HOOK = `http://127.0.0.1:${await freePort()}/telegram/webhook`;
    env = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, WEBHOOK_URL: HOOK, TELEGRAM_WEBHOOK_SECRET: "s3cret_-token" };
    output = [];
  });

  afterEach(async () => {
    await telegram.close();
  });

  it("sets the webhook with the secret, the handled update types and max_connections", async () => {
    expect(await run("set", "--max-connections", "25")).toBe(0);
    expect(await api("getWebhookInfo")).toMatchObject({ url: HOOK, max_connections: 25, allowed_updates: [...ALLOWED_UPDATES], pending_update_count: 0 });
    expect(telegram.calls({ method: "setWebhook" })[0]?.params).toMatchObject({ secret_token: "s3cret_-token", drop_pending_updates: false });
    expect(output).toContain(`webhook: ${HOOK}`);
    expect(output).toContain("allowed updates: message, callback_query, stopped_message_generation");
  });

  it("drops pending updates only when asked", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "waiting" });
    expect(await run("set")).toBe(0);
    expect(await api("getWebhookInfo")).toMatchObject({ pending_update_count: 1 });
    expect(await run("set", "--drop-pending-updates")).toBe(0);
    expect(await api("getWebhookInfo")).toMatchObject({ pending_update_count: 0 });
  });

  it("sets the command menu in the default scope and for each interface language", async () => {
    expect(await run("set")).toBe(0);
    expect(await api("getMyCommands")).toEqual(commandMenu("en"));
    expect(await api("getMyCommands", { language_code: "de" })).toEqual(commandMenu("de"));
    expect(await api("getMyCommands", { language_code: "zh" })).toEqual(commandMenu("zh"));
    expect(commandMenu("de")).not.toEqual(commandMenu("en"));
    expect(telegram.calls({ method: "setMyCommands" }).map((c) => c.params.language_code ?? "default")).toEqual(["default", "en", "zh", "ru", "es", "de", "fr"]);
  });

  it("skips the command menu with --no-commands", async () => {
    expect(await run("set", "--no-commands")).toBe(0);
    expect(telegram.calls({ method: "setMyCommands" })).toHaveLength(0);
  });

  it("prints the webhook info readably, then deletes the webhook", async () => {
    expect(await run("set")).toBe(0);
    output = [];
    expect(await run("info")).toBe(0);
    expect(output).toEqual([
      `webhook: ${HOOK}`,
      "pending updates: 0",
      "max connections: 40",
      "allowed updates: message, callback_query, stopped_message_generation",
      "ip address: 127.0.0.1",
      "last error: none",
    ]);
    expect(await run("delete")).toBe(0);
    expect(await api("getWebhookInfo")).toMatchObject({ url: "" });
    output = [];
    expect(await run("info")).toBe(0);
    expect(output[0]).toBe("webhook: not set (updates wait for getUpdates)");
  });

  it("names a missing or malformed setting and calls nothing", async () => {
    expect(await runWebhookCli(["set"], { ...env, WEBHOOK_URL: undefined }, (line) => output.push(line))).toBe(2);
    expect(await runWebhookCli(["set"], { ...env, TELEGRAM_WEBHOOK_SECRET: "has spaces" }, (line) => output.push(line))).toBe(2);
    expect(await runWebhookCli(["info"], { ...env, TELEGRAM_BOT_TOKEN: "" }, (line) => output.push(line))).toBe(2);
    expect(await run("set", "--max-connections", "500")).toBe(2);
    expect(await run("launch")).toBe(2);
    expect(output.slice(0, 4)).toEqual([
      "WEBHOOK_URL is not set (e.g. https://bot.example.com/telegram/webhook)",
      "TELEGRAM_WEBHOOK_SECRET is malformed: 1-256 of A-Z a-z 0-9 _ -",
      "TELEGRAM_BOT_TOKEN is not set",
      "--max-connections must be 1-100, got 500",
    ]);
    expect(output[4]).toMatch(/^usage: /);
    expect(telegram.calls()).toHaveLength(0);
  });

  it("insists on https for Telegram itself", async () => {
    const code = await runWebhookCli(["set"], { ...env, TELEGRAM_API_ROOT: undefined, WEBHOOK_URL: "http://bot.example.com/telegram/webhook" }, (line) => output.push(line));
    expect(code).toBe(2);
    expect(output).toEqual(["WEBHOOK_URL must use https:// (Telegram refuses anything else)"]);
  });

  it("reports Telegram's refusal with its code", async () => {
    const code = await runWebhookCli(["info"], { ...env, TELEGRAM_BOT_TOKEN: "1000002:LOCALsomebody-elses-token-xx" }, (line) => output.push(line));
    expect(code).toBe(1);
    expect(output).toEqual(["Telegram refused getWebhookInfo: 401 Unauthorized"]);
  });

  it("formats the last delivery error with its date", () => {
    const lines = formatWebhookInfo({ url: "https://bot.example.com/telegram/webhook", pending_update_count: 3, max_connections: 40, last_error_date: 1_700_000_000, last_error_message: "Connection refused" });
    expect(lines).toContain("last error: 2023-11-14T22:13:20Z Connection refused");
    expect(lines).toContain("allowed updates: default (all but chat_member and reactions)");
  });
});
