/**
 * Origin routing through the real Worker, ChatSession and OriginMonitor (workerd), against the
 * two stand-in origins: fra1 (eu, modelEu) and iad1 (us, modelUs).
 *
 * The runtime project's settings (vitest.config.ts): six failures open a breaker, its cool-down
 * is 2 s, chats read a fresh snapshot per message, and probes run only when a test triggers the
 * monitor's alarm. Every test starts from a reset monitor and healthy, idle stand-ins.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { calmOrigins, control, eventually, newChatId, userSays, waitForBotMessages } from "../support/harness";
import { originMonitor } from "../../durable-objects/origin-monitor-address";
import type { Env } from "../../worker/env";

interface RecordedRequest {
  body: null | { model: string; max_tokens?: number; reasoning_effort?: string; messages: { role: string; content: string }[] };
  outcome: string;
}

const monitor = () => originMonitor(env as unknown as Env, { chatJurisdiction: "none" });

const requestsMentioning = async (target: "modelEu" | "modelUs", marker: string) =>
  (await control<RecordedRequest[]>(target, "requests")).filter((r) => r.body?.messages?.at(-1)?.content.includes(marker));

/** Runs one probe round now (the alarm exists once the monitor was asked anything). */
async function probeNow(): Promise<void> {
  await monitor().snapshot();
  expect(await runDurableObjectAlarm(monitor())).toBe(true);
}

beforeAll(async () => {
  // Let the monitor's first, automatic probe round happen before any test sets a load.
  await probeNow();
});
beforeEach(calmOrigins);
afterEach(calmOrigins);

/** Opens fra1's breaker as six failed attempts reported by chats would. */
async function openFra1Breaker(): Promise<void> {
  const failure = { originId: "fra1", ok: false, error: "OriginHttpError 503" };
  expect(await monitor().report({ outcomes: Array.from({ length: 6 }, () => failure), answers: [] })).toMatchObject({ status: "ok" });
  const snapshot = await monitor().snapshot();
  expect(snapshot.origins.find((o) => o.id === "fra1")?.breaker.state).toBe("open");
}

describe("EU chats stay in the EU under every failure", () => {
  const euMessage = (marker: string) => `Kannst du mir bitte das erklären? ${marker}`;

  async function expectUnavailableAndNothingSent(marker: string, chatId: number) {
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toMatch(/vorübergehend nicht erreichbar.*Minute/);
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(0);
    expect(await requestsMentioning("modelEu", marker)).toHaveLength(0);
  }

  it("answers 'temporarily unavailable' while fra1's breaker is open, and asks no origin", async () => {
    await openFra1Breaker();
    const chatId = newChatId();
    const marker = `eu-breaker-${chatId}`;
    await userSays({ chatId, text: euMessage(marker), languageCode: "de" });
    await expectUnavailableAndNothingSent(marker, chatId);
  });

  it("answers 'temporarily unavailable' while the monitor finds fra1 unhealthy, and asks no origin", async () => {
    await control("modelEu", "setLoad", { healthy: false });
    await probeNow();
    const chatId = newChatId();
    const marker = `eu-unhealthy-${chatId}`;
    await userSays({ chatId, text: euMessage(marker), languageCode: "de" });
    await expectUnavailableAndNothingSent(marker, chatId);
  });

  it("keeps an EU chat on a degraded fra1, with the degraded request, never on iad1", async () => {
    await control("modelEu", "setLoad", { kvCacheUsage: 0.95 });
    await probeNow();
    const chatId = newChatId();
    const marker = `eu-degraded-${chatId}`;
    await userSays({ chatId, text: euMessage(marker), languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    const [request] = await requestsMentioning("modelEu", marker);
    expect(request?.body).toMatchObject({ max_tokens: 768, reasoning_effort: "low" });
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(0);
  });

  it("fails an EU chat with a 5xx on fra1 without trying iad1, also when iad1 is the healthiest", async () => {
    await control("modelEu", "setFault", { kind: "status", status: 503 });
    const chatId = newChatId();
    const marker = `eu-5xx-${chatId}`;
    await userSays({ chatId, text: euMessage(marker), languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toMatch(/Minute/);
    expect(await requestsMentioning("modelEu", marker)).toHaveLength(1);
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(0);
  });
});

describe("other chats", () => {
  it("go to Frankfurt first when every origin is fine", async () => {
    const chatId = newChatId();
    const marker = `global-default-${chatId}`;
    await userSays({ chatId, text: `Tell me something ${marker}`, languageCode: "en" });
    await waitForBotMessages(chatId, 1);
    const [request] = await requestsMentioning("modelEu", marker);
    expect(request?.body).toMatchObject({ model: "openai/gpt-oss-20b", max_tokens: 2048, reasoning_effort: "medium" });
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(0);
  });

  it("spill to iad1 first while fra1 is under memory pressure, with the normal request", async () => {
    await control("modelEu", "setLoad", { kvCacheUsage: 0.95 });
    await probeNow();
    const chatId = newChatId();
    const marker = `global-spill-${chatId}`;
    await userSays({ chatId, text: `Tell me something ${marker}`, languageCode: "en" });
    await waitForBotMessages(chatId, 1);
    expect(await requestsMentioning("modelEu", marker)).toHaveLength(0);
    const [request] = await requestsMentioning("modelUs", marker);
    expect(request?.body).toMatchObject({ max_tokens: 2048, reasoning_effort: "medium" });
  });

  it("skip fra1 while the monitor finds it unhealthy", async () => {
    await control("modelEu", "setLoad", { healthy: false });
    await probeNow();
    const chatId = newChatId();
    const marker = `global-unhealthy-${chatId}`;
    await userSays({ chatId, text: `Tell me something ${marker}`, languageCode: "en" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain(marker);
    expect(await requestsMentioning("modelEu", marker)).toHaveLength(0);
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(1);
  });

  it("fail over to iad1 on a 429 from fra1 before the first token", async () => {
    await control("modelEu", "setFault", { kind: "status", status: 429, retryAfterSeconds: 3 });
    const chatId = newChatId();
    const marker = `global-429-${chatId}`;
    await userSays({ chatId, text: `Tell me something ${marker}`, languageCode: "en" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain(marker);
    expect(await requestsMentioning("modelEu", marker)).toHaveLength(1);
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(1);
  });
});

describe("circuit breaker", () => {
  it("skips fra1 after six failures without sending it anything, and tries it again after the cool-down", async () => {
    await control("modelEu", "setFault", { kind: "status", status: 500 });
    const run = `breaker-${newChatId()}`;
    // A chat per message: the same chat would soon be rate limited.
    const ask = async (text: string) => {
      const chatId = newChatId();
      await userSays({ chatId, text: `${text} ${run}` });
      const [answer] = await waitForBotMessages(chatId, 1);
      return answer;
    };
    for (let i = 1; i <= 6; i++) expect((await ask(`failing round ${i}`))?.text).toContain(`failing round ${i}`);
    expect(await requestsMentioning("modelEu", run)).toHaveLength(6);
    expect(await requestsMentioning("modelUs", run)).toHaveLength(6);
    const fra1 = (await monitor().snapshot()).origins.find((o) => o.id === "fra1");
    expect(fra1?.breaker).toMatchObject({ state: "open", failures: 6 });

    // Open: the next message goes straight to iad1; fra1 never sees it.
    expect((await ask("skipped round"))?.text).toContain("skipped round");
    expect(await requestsMentioning("modelEu", `skipped round ${run}`)).toHaveLength(0);
    expect(await requestsMentioning("modelUs", `skipped round ${run}`)).toHaveLength(1);

    // After the cool-down fra1 is half-open: one trial; it works now, so the breaker closes.
    await control("modelEu", "setFault", null);
    await new Promise((r) => setTimeout(r, 2100));
    await ask("trial round");
    expect(await requestsMentioning("modelEu", `trial round ${run}`)).toHaveLength(1);
    expect(await requestsMentioning("modelUs", `trial round ${run}`)).toHaveLength(0);
    await eventually(async () => (await monitor().snapshot()).origins.find((o) => o.id === "fra1")?.breaker.state === "closed");
  });
});

describe("per-language models", () => {
  it("asks fra1 for the French adapter for a French message, and for the base model otherwise", async () => {
    const chatId = newChatId();
    const marker = `fr-model-${chatId}`;
    await userSays({ chatId, text: `Bonjour, pouvez-vous m'expliquer comment fonctionne la photosynthèse des plantes ? ${marker}`, languageCode: "fr" });
    await waitForBotMessages(chatId, 1);
    const [french] = await requestsMentioning("modelEu", marker);
    expect(french).toMatchObject({ body: { model: "gpt-oss-20b-fr-lora" }, outcome: "completed" });

    const other = newChatId();
    const englishMarker = `en-model-${other}`;
    await userSays({ chatId: other, text: `Please explain how photosynthesis works in plants ${englishMarker}`, languageCode: "en" });
    await waitForBotMessages(other, 1);
    const [english] = await requestsMentioning("modelEu", englishMarker);
    expect(english?.body?.model).toBe("openai/gpt-oss-20b");
  });
});
