// How the local Telegram stand-in hands updates to a bot: webhook delivery (secret header, order
// per chat, redelivery after a failure), long-polling getUpdates, the 409 while a webhook is set,
// and injected faults.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A webhook receiver on 127.0.0.1 whose answers the test decides. */
async function startReceiver(answer: (body: unknown, index: number) => { status: number; delayMs?: number; json?: unknown }): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const plan = answer(body, received.length);
      received.push({ headers: req.headers, body });
      setTimeout(() => {
        res.writeHead(plan.status, { "content-type": "application/json" });
        res.end(plan.json === undefined ? "" : JSON.stringify(plan.json));
      }, plan.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`, received, server };
}

const updateShape = z.looseObject({ update_id: z.number(), message: z.looseObject({ text: z.string(), chat: z.object({ id: z.number() }).loose() }).optional() });

let telegram: LocalTelegram;
const servers: Server[] = [];

beforeEach(async () => {
  telegram = await startLocalTelegram({ webhookRetryDelayMs: 20 });
});
afterEach(async () => {
  await telegram.close();
  for (const server of servers.splice(0)) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function api(method: string, params: Record<string, unknown> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

describe("webhook delivery", () => {
  it("sends the secret header and JSON updates", async () => {
    const receiver = await startReceiver(() => ({ status: 200 }));
    servers.push(receiver.server);
    expect((await api("setWebhook", { url: receiver.url, secret_token: "s3cret_T-1" })).body).toEqual({ ok: true, result: true, description: "Webhook was set" });
    const { updateId } = await telegram.sendUserMessage({ chatId: 1001, text: "hello" });
    await telegram.waitFor(() => receiver.received.length === 1);
    expect(receiver.received[0]?.headers["x-telegram-bot-api-secret-token"]).toBe("s3cret_T-1");
    expect(receiver.received[0]?.headers["content-type"]).toBe("application/json");
    expect(receiver.received[0]?.body).toMatchObject({ update_id: updateId, message: { text: "hello", chat: { id: 1001 } } });
  });

  it("redelivers after a 500 and keeps the chat's order", async () => {
    const receiver = await startReceiver((_body, index) => ({ status: index === 0 ? 500 : 200 }));
    servers.push(receiver.server);
    await api("setWebhook", { url: receiver.url });
    for (const text of ["one", "two", "three"]) await telegram.sendUserMessage({ chatId: 1002, text });
    await telegram.waitFor(() => telegram.webhookDeliveries().length === 4);
    const texts = receiver.received.map((r) => updateShape.parse(r.body).message?.text);
    expect(texts).toEqual(["one", "one", "two", "three"]);
    expect(telegram.webhookDeliveries().map((d) => [d.updateId, d.status, d.attempt])).toEqual([
      [1, 500, 1],
      [1, 200, 2],
      [2, 200, 1],
      [3, 200, 1],
    ]);
    const info = await api("getWebhookInfo");
    expect(info.body).toMatchObject({ result: { url: receiver.url, pending_update_count: 0, last_error_message: "Wrong response from the webhook: 500 Internal Server Error" } });
  });

  it("delivers one chat at a time but different chats in parallel", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const perChat = new Map<number, number>();
    const overlapsWithinChat: number[] = [];
    const receiver = await startReceiver((body) => {
      const chatId = updateShape.parse(body).message?.chat.id ?? 0;
      perChat.set(chatId, (perChat.get(chatId) ?? 0) + 1);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (perChat.get(chatId) !== 1) overlapsWithinChat.push(chatId);
      setTimeout(() => {
        inFlight -= 1;
        perChat.set(chatId, (perChat.get(chatId) ?? 1) - 1);
      }, 40);
      return { status: 200, delayMs: 40 };
    });
    servers.push(receiver.server);
    for (const chatId of [1001, 1002, 1003]) for (const n of [1, 2]) await telegram.sendUserMessage({ chatId, text: `${chatId}-${n}` });
    await api("setWebhook", { url: receiver.url });
    await telegram.waitFor(() => telegram.webhookDeliveries().length === 6);
    expect(maxInFlight).toBe(3);
    expect(overlapsWithinChat).toEqual([]);
    for (const chatId of [1001, 1002, 1003]) {
      const texts = receiver.received.map((r) => updateShape.parse(r.body).message).filter((m) => m?.chat.id === chatId).map((m) => m?.text);
      expect(texts).toEqual([`${chatId}-1`, `${chatId}-2`]);
    }
  });

  it("runs a method found in the webhook's answer", async () => {
    const receiver = await startReceiver((body) => ({
      status: 200,
      json: { method: "sendMessage", chat_id: updateShape.parse(body).message?.chat.id, text: "from the reply" },
    }));
    servers.push(receiver.server);
    await api("setWebhook", { url: receiver.url });
    await telegram.sendUserMessage({ chatId: 1003, text: "ping" });
    await telegram.waitFor(() => telegram.chatMessages(1003).length === 2);
    expect(telegram.chatMessages(1003)[1]).toMatchObject({ fromBot: true, text: "from the reply" });
    expect(telegram.calls({ method: "sendMessage" })).toMatchObject([{ status: 200, viaWebhookReply: true }]);
  });

  it("drops pending updates when asked", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "old" });
    await api("deleteWebhook", { drop_pending_updates: true });
    expect((await api("getUpdates")).body).toEqual({ ok: true, result: [] });
  });
});

describe("getUpdates", () => {
  it("long-polls until an update arrives and confirms with offset", async () => {
    const poll = api("getUpdates", { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await telegram.sendUserMessage({ chatId: 1001, text: "late" });
    const { body } = await poll;
    const [update] = z.object({ result: z.array(updateShape) }).parse(body).result;
    expect(update?.message?.text).toBe("late");
    expect((await api("getUpdates", { offset: (update?.update_id ?? 0) + 1 })).body).toEqual({ ok: true, result: [] });
  });

  it("answers an empty list when the timeout passes", async () => {
    expect((await api("getUpdates", { timeout: 1 })).body).toEqual({ ok: true, result: [] });
  });

  it("refuses with 409 while a webhook is set", async () => {
    await api("setWebhook", { url: "http://127.0.0.1:9/unused" });
    const { status, body } = await api("getUpdates");
    expect(status).toBe(409);
    expect(body).toMatchObject({ ok: false, error_code: 409, description: expect.stringMatching(/^Conflict: can't use getUpdates method while webhook is active/) });
  });

  it("numbers updates by one, globally, and keeps raw ones as given", async () => {
    const a = await telegram.sendUserMessage({ chatId: 1001, text: "a" });
    const raw = await telegram.enqueueRawUpdate({ weird_update: { x: 1 } });
    const b = await telegram.sendUserMessage({ chatId: -4001, text: "b" });
    expect([raw - a.updateId, b.updateId - raw]).toEqual([1, 1]);
    const { body } = await api("getUpdates");
    expect(body).toMatchObject({ result: [{ update_id: a.updateId }, { update_id: raw, weird_update: { x: 1 } }, { update_id: b.updateId }] });
  });
});

describe("injectFault", () => {
  it("fails the next calls of a method with a Telegram-shaped error, then recovers", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "hi" });
    telegram.injectFault({ method: "sendMessage", status: 429, times: 2, retryAfter: 3 });
    telegram.injectFault({ method: "editMessageText", status: 502 });
    const first = await api("sendMessage", { chat_id: 1001, text: "x" });
    expect(first).toEqual({ status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } } });
    expect((await api("sendMessage", { chat_id: 1001, text: "x" })).status).toBe(429);
    expect((await api("sendMessage", { chat_id: 1001, text: "x" })).status).toBe(200);
    expect((await api("editMessageText", { chat_id: 1001, message_id: 2, text: "y" })).body).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    expect(telegram.calls({ method: "sendMessage" }).map((c) => [c.status, c.retryAfter])).toEqual([
      [429, 3],
      [429, 3],
      [200, undefined],
    ]);
  });
});
