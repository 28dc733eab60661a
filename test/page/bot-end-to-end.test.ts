// The bot end to end, as `npm start` runs it: the real Worker and its Durable Objects in wrangler
// dev (workerd, SQLite), the stand-in model server and the local Telegram, with a person typing on
// the chat page in headless Chromium. A private chat streams drafts and ends with a formatted
// message; a group mention gets a placeholder that is edited into the answer.
// Skipped without Chromium, except in CI where it must run.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../scripts/start";
import { startStack } from "../../scripts/start";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
const skip = !hasChromium && process.env.CI === undefined;
const skipNote = skip ? ` (skipped: no Chromium at ${chromiumPath}; install Debian's chromium or set CHROMIUM_PATH)` : "";
const artifacts = join(import.meta.dirname, "..", "..", "test-artifacts");
const GROUP_ID = -4001;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the page until `done()` holds, collecting every distinct value `read()` shows meanwhile.
 * On a timeout the error carries what was seen and the Worker's last log lines.
 */
async function watch(read: () => Promise<string | null>, done: () => Promise<boolean>, timeoutMs: number, workerLog: () => string[]): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error(`not done within ${timeoutMs} ms; saw ${JSON.stringify(seen.map((s) => s.slice(0, 40)))}\nWorker log:\n${workerLog().slice(-12).join("\n")}`);
    }
    const value = await read();
    if (value !== null && seen.at(-1) !== value) seen.push(value);
    await sleep(30);
  }
  return seen;
}

describe(`the bot end to end on the chat page${skipNote}`, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (skip) return;
    if (!hasChromium) throw new Error(`Chromium not found at ${chromiumPath}: CI must install Debian's chromium package`);
    // The realistic 150 ms to the first token; a faster decode than npm start's 80 tokens/s
    // keeps the test short while leaving several drafts to see.
    stack = await startStack({
      ports: { telegram: 0, model: 0, worker: 0 },
      standIn: { ttftMs: 150, tokensPerSecond: 160 },
      localTelegram: { webhookRetryDelayMs: 200 },
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(stack.pageUrl ?? "");
    await page.locator("body[data-ready=true]").waitFor();
  }, 120_000);

  afterAll(async () => {
    if (skip) return;
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  it.skipIf(skip)("streams a growing draft in a private chat, then a formatted final message", async () => {
    await page.getByRole("button", { name: "Alice (private, en)" }).click();
    await page.locator("#composer-input").fill("Show me an idea and some code");
    await page.locator("#send").click();
    await expect.poll(() => page.locator(".bubble.user .text").last().textContent()).toBe("Show me an idea and some code");

    const final = page.locator(".bubble.bot:not(.draft)");
    const draft = page.locator(".bubble.draft .text");
    const drafts = await watch(
      async () => ((await draft.count()) > 0 ? draft.first().textContent() : null),
      async () => (await final.count()) > 0 && (await draft.count()) === 0,
      40_000,
      () => stack.worker.outputTail(),
    );
    const grown = drafts.filter((text) => text !== "Thinking…");
    expect(grown.length).toBeGreaterThanOrEqual(2);
    expect(new Set(grown).size).toBe(grown.length);

    expect(await final.count()).toBe(1);
    expect(await final.locator(".text").textContent()).toMatch(/^Stand-in answer \(not a model\) to “Show me an idea and some code”\./);
    expect(await final.locator("strong").first().textContent()).toBe("Stand-in answer");
    expect(await final.locator("pre code, code").count()).toBeGreaterThan(0);
    const sent = stack.telegram?.calls({ method: "sendMessage", chatId: 1001 }) ?? [];
    expect(sent.filter((c) => c.status === 200)).toHaveLength(1);
  });

  it.skipIf(skip)("answers a mention in a group by editing its placeholder into the answer", async () => {
    await page.getByRole("button", { name: "Team (group)" }).click();
    await page.locator("#composer-input").fill(`@${stack.bot.username} what does a group answer look like?`);
    await page.locator("#send").click();

    const groupAnswer = (): string => stack.telegram?.chatMessages(GROUP_ID).find((m) => m.fromBot)?.text ?? "";
    const bot = page.locator(".bubble.bot .text");
    let lastParagraph = "";
    const shown = await watch(
      async () => ((await bot.count()) > 0 ? bot.first().textContent() : null),
      async () => {
        // Done once the model finished and the placeholder shows the answer's last paragraph.
        const request = stack.model?.requests().find((r) => JSON.stringify(r.body).includes("what does a group answer look like?"));
        if (request?.outcome !== "completed") return false;
        lastParagraph = request.contentSent.trim().split("\n\n").at(-1)?.replaceAll("**", "") ?? "";
        return lastParagraph !== "" && groupAnswer().endsWith(lastParagraph);
      },
      40_000,
      () => stack.worker.outputTail(),
    );
    expect(shown[0]).toBe("…");
    expect(shown.length).toBeGreaterThanOrEqual(2);

    const botMessages = stack.telegram?.chatMessages(GROUP_ID).filter((m) => m.fromBot) ?? [];
    expect(botMessages).toHaveLength(1);
    expect(botMessages[0]?.edits).toBeGreaterThanOrEqual(1);
    expect(botMessages[0]?.replyToMessageId).toBe(1);
    // The page shows the final edit: the answer's last paragraph, in the one bot bubble.
    await expect.poll(() => page.locator(".bubble.bot .text").first().textContent()).toContain(lastParagraph);
    expect(await page.locator(".bubble.bot").count()).toBe(1);
    expect(await page.locator(".bubble.bot strong").first().textContent()).toBe("Stand-in answer");
    expect(await page.locator(".bubble.bot code").count()).toBeGreaterThan(0);

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "bot-end-to-end.png") });
  });
});
