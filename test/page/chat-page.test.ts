// The local Telegram chat page in headless Chromium, with a tiny echo bot behind a webhook:
// a person types, the draft grows live, the final message renders its entities, Stop works,
// and "/" opens the command menu. Skipped without Chromium, except in CI where it must run.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
const skip = !hasChromium && process.env.CI === undefined;
const skipNote = skip ? ` (skipped: no Chromium at ${chromiumPath}; install Debian's chromium or set CHROMIUM_PATH)` : "";
const artifacts = join(import.meta.dirname, "..", "..", "test-artifacts");

const updateSchema = z.looseObject({
  message: z.looseObject({ chat: z.looseObject({ id: z.number() }), text: z.string() }).optional(),
  stopped_message_generation: z.looseObject({ chat: z.looseObject({ id: z.number() }), draft_id: z.number() }).optional(),
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An echo bot: streams a growing draft, then sends the text back with the echo in bold. */
function startEchoBot(telegram: LocalTelegram): Promise<{ server: Server; url: string }> {
  const call = (method: string, params: Record<string, unknown>): Promise<Response> =>
    fetch(`${telegram.apiRoot}/bot${telegram.botToken}/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
  const answer = async (update: z.infer<typeof updateSchema>): Promise<void> => {
    if (update.stopped_message_generation !== undefined) {
      await call("sendMessage", { chat_id: update.stopped_message_generation.chat.id, text: "Stopped." });
      return;
    }
    const message = update.message;
    if (message === undefined) return;
    const chatId = message.chat.id;
    if (message.text === "/slow") {
      await call("sendMessageDraft", { chat_id: chatId, draft_id: 2, text: "", can_stop: true });
      return;
    }
    const reply = `Echo: ${message.text}`;
    for (const size of [0, 4, 8, reply.length]) {
      await call("sendMessageDraft", { chat_id: chatId, draft_id: 1, text: reply.slice(0, size) });
      await sleep(400);
    }
    await call("sendMessage", { chat_id: chatId, text: reply, entities: [{ type: "bold", offset: 6, length: message.text.length }] });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.writeHead(200).end();
      void answer(updateSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` })));
}

describe(`chat page${skipNote}`, () => {
  let telegram: LocalTelegram;
  let bot: { server: Server; url: string };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (skip) return;
    if (!hasChromium) throw new Error(`Chromium not found at ${chromiumPath}: CI must install Debian's chromium package`);
    telegram = await startLocalTelegram({ webhookRetryDelayMs: 50 });
    bot = await startEchoBot(telegram);
    const setup = (method: string, params: Record<string, unknown>): Promise<Response> =>
      fetch(`${telegram.apiRoot}/bot${telegram.botToken}/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) });
    await setup("setWebhook", { url: bot.url, secret_token: "page-test" });
    await setup("setMyCommands", { commands: [{ command: "start", description: "Start the bot" }, { command: "slow", description: "Think for a while" }] });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
    await page.goto(telegram.pageUrl);
    await page.locator("body[data-ready=true]").waitFor();
  });

  afterAll(async () => {
    if (skip) return;
    await browser?.close();
    await telegram?.close();
    bot?.server.closeAllConnections();
    bot?.server.close();
  });

  it.skipIf(skip)("shows a growing draft, then the final message with bold rendered", async () => {
    await page.getByRole("button", { name: "Alice (private, en)" }).click();
    await page.locator("#composer-input").fill("hello there");
    await page.locator("#send").click();
    await expect.poll(() => page.locator(".bubble.user .text").last().textContent()).toBe("hello there");

    const drafts: string[] = [];
    const finalBold = page.locator(".bubble.bot:not(.draft) strong");
    while ((await finalBold.count()) === 0) {
      const draft = page.locator(".bubble.draft .text");
      const text = (await draft.count()) > 0 ? await draft.first().textContent() : null;
      if (text !== null && drafts.at(-1) !== text) drafts.push(text);
      await sleep(40);
    }
    expect(drafts[0]).toBe("Thinking…");
    const grown = drafts.slice(1);
    expect(grown.length).toBeGreaterThanOrEqual(2);
    for (const [i, text] of grown.entries()) if (i > 0) expect(text.startsWith(grown[i - 1] ?? "")).toBe(true);

    await expect.poll(() => finalBold.textContent()).toBe("hello there");
    expect(await page.locator(".bubble.bot:not(.draft) .text").last().textContent()).toBe("Echo: hello there");
    expect(await page.locator(".bubble.draft").count()).toBe(0);
    expect(telegram.chatMessages(1001).map((m) => m.text)).toEqual(["hello there", "Echo: hello there"]);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "chat-page.png") });
  });

  it.skipIf(skip)("offers the bot's commands after '/' and stops a draft with its Stop button", async () => {
    await page.getByRole("button", { name: "Boris (private, de)" }).click();
    await page.locator("#composer-input").fill("/");
    await expect.poll(() => page.locator("#command-menu li").allTextContents()).toEqual(["/startStart the bot", "/slowThink for a while"]);
    await page.locator("#command-menu li", { hasText: "/slow" }).click();
    expect(await page.locator("#composer-input").inputValue()).toBe("/slow ");
    await page.locator("#composer-input").fill("/slow");
    await page.locator("#send").click();
    await page.locator(".bubble.draft .text.thinking").waitFor();
    await page.locator(".bubble.draft button.stop").click();
    await expect.poll(() => page.locator(".bubble.bot:not(.draft) .text").last().textContent()).toBe("Stopped.");
    expect(telegram.drafts(1002)).toMatchObject([{ draftId: 2, status: "finalized", canStop: true }]);
  });
});
