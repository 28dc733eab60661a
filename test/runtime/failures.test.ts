/**
 * What goes wrong outside our control, and what the user sees then: Telegram's 429 and 400,
 * origins that fail, stall or die mid-answer, an object evicted mid-answer, and residency that
 * holds under every failure.
 */
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import {
  botMessages,
  calmOrigins,
  control,
  eventually,
  newChatId,
  requestsMentioning,
  userSays,
  waitForBotMessages,
} from "../support/harness";
import { chatObjectName, chatSession } from "../../worker/chat-directory";
import type { Env } from "../../worker/env";

interface RecordedCall {
  method: string;
  status: number;
  params: Record<string, unknown>;
}

const calls = (method: string, chatId: number) =>
  control<RecordedCall[]>("telegram", "calls", { method, chatId });

afterEach(calmOrigins);

describe("Telegram failures", () => {
  it("honours a 429 on the final message: waits retry_after and delivers it exactly once", async () => {
    const chatId = newChatId();
    await control("telegram", "injectFault", { method: "sendMessage", status: 429, retryAfter: 1, times: 1 });
    await userSays({ chatId, text: "rate limited answer rho" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("rate limited answer rho");
    const sends = await calls("sendMessage", chatId);
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await botMessages(chatId)).toHaveLength(1);
  });

  it("retries a 5xx from Telegram with backoff", async () => {
    const chatId = newChatId();
    await control("telegram", "injectFault", { method: "sendMessage", status: 502, times: 2 });
    await userSays({ chatId, text: "flaky telegram phi" });
    await waitForBotMessages(chatId, 1);
    expect((await calls("sendMessage", chatId)).map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it("sends the plain text when Telegram rejects the entities", async () => {
    const chatId = newChatId();
    await control("telegram", "injectFault", {
      method: "sendMessage", status: 400, times: 1,
      description: "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3",
    });
    await userSays({ chatId, text: "format this chi" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("format this chi");
    expect(answer?.entities.filter((e) => e.type === "bold")).toHaveLength(0);
  });
});

describe("origin failures", () => {
  it("fails over to another region for a non-EU chat when the first origin answers 500", async () => {
    const chatId = newChatId();
    await control("modelEu", "setFault", { kind: "status", status: 500 });
    await userSays({ chatId, text: "failover please psi", languageCode: "en" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("failover please psi");
    expect(await requestsMentioning("modelUs", "failover please psi")).toHaveLength(1);
  });

  it("tells an EU chat the model is unavailable and never asks a non-EU origin", async () => {
    const chatId = newChatId();
    await control("modelEu", "setFault", { kind: "status", status: 500 });
    await userSays({ chatId, text: "Bitte antworte mir omega-eu", languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toMatch(/Minute|minute/);
    expect(await requestsMentioning("modelUs", "omega-eu")).toHaveLength(0);
  });

  it.each([
    ["a 503", { kind: "status", status: 503, retryAfterSeconds: 5 }],
    ["a stall before the first token", { kind: "stall-before-first-token" }],
    ["a refused connection", { kind: "refuse-connection" }],
  ])("keeps an EU chat in the EU under %s", async (_name, fault) => {
    const chatId = newChatId();
    const marker = `eu-pinned-${chatId}`;
    await control("modelEu", "setFault", fault);
    await userSays({ chatId, text: `Ich brauche Hilfe ${marker}`, languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text.length).toBeGreaterThan(0);
    expect(await requestsMentioning("modelUs", marker)).toHaveLength(0);
  });

  it("keeps what was written and says so when the origin dies mid-answer", async () => {
    const chatId = newChatId();
    await control("modelEu", "setFault", { kind: "drop-after", tokens: 4 });
    await userSays({ chatId, text: "die midway ypsilon", languageCode: "en" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toMatch(/interrupted/i);
    expect(reply?.text.length).toBeGreaterThan(20);
    expect(await requestsMentioning("modelUs", "die midway ypsilon")).toHaveLength(0); // no restart mid-answer
  });

  it("gives up on a stalled stream after the stall timeout and closes the connection", async () => {
    const chatId = newChatId();
    await control("modelEu", "setFault", { kind: "stall-after", tokens: 3 });
    await userSays({ chatId, text: "stall midway xi" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toMatch(/interrupted/i);
    await eventually(async () => (await requestsMentioning("modelEu", "stall midway xi"))[0]?.clientAborted);
  });
});

describe("durability", () => {
  it("resumes an answer after the object crashes mid-answer, and sends it once", async () => {
    const chatId = newChatId();
    await control("modelEu", "setFault", { kind: "slow-start", ttftMs: 5000 });
    await userSays({ chatId, text: "survive a crash nu" });
    await eventually(async () => (await requestsMentioning("modelEu", "survive a crash nu")).length === 1);
    // Drops every instance without waiting for its work: what a crash or a deploy does.
    await abortAllDurableObjects();
    await control("modelEu", "setFault", null);
    const namespace = (env as unknown as Env).CHAT_SESSION;
    const stub = namespace.get(namespace.idFromName(chatObjectName(chatId)));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("survive a crash nu");
    await new Promise((r) => setTimeout(r, 500));
    expect(await botMessages(chatId)).toHaveLength(1);
    expect(await requestsMentioning("modelEu", "survive a crash nu")).toHaveLength(2);
  });

  it("finishes delivery without asking the model again when it crashed after the answer was stored", async () => {
    const chatId = newChatId();
    await control("telegram", "injectFault", { method: "sendMessage", status: 429, retryAfter: 3, times: 1 });
    await userSays({ chatId, text: "stored then crashed pi" });
    await eventually(async () => (await calls("sendMessage", chatId)).some((c) => c.status === 429));
    await abortAllDurableObjects();
    const namespace = (env as unknown as Env).CHAT_SESSION;
    const stub = namespace.get(namespace.idFromName(chatObjectName(chatId)));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("stored then crashed pi");
    expect(await requestsMentioning("modelEu", "stored then crashed pi")).toHaveLength(1);
  });
});

describe("residency of storage", () => {
  it("addresses every chat's object in the EU jurisdiction when configured", () => {
    const asked: string[] = [];
    const real = (env as unknown as Env).CHAT_SESSION;
    const recording = {
      jurisdiction(name: string) {
        asked.push(name);
        return real; // workerd has no jurisdictions; production's namespace restricts storage
      },
    } as unknown as Env["CHAT_SESSION"];
    chatSession({ CHAT_SESSION: recording }, { chatJurisdiction: "eu" }, 42);
    chatSession({ CHAT_SESSION: recording }, { chatJurisdiction: "eu" }, -100_7);
    expect(asked).toEqual(["eu", "eu"]);
  });
});
