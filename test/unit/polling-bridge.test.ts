// The polling bridge against the local Telegram stand-in (no webhook set on it) and a local
// receiver standing in for the Worker: order, secret header, offset, redelivery without loss or
// duplicates, and a clean stop.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";
import { backoffDelayMs, runPollingBridge } from "../../scripts/polling-bridge";
import type { PollingBridgeResult } from "../../scripts/polling-bridge";

const update = z.looseObject({ update_id: z.number(), message: z.looseObject({ text: z.string() }) });

interface Receiver {
  url: string;
  server: Server;
  received: { headers: IncomingHttpHeaders; updateId: number; text: string; status: number }[];
}

async function startReceiver(statusFor: (index: number) => number): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const parsed = update.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const status = statusFor(received.length);
      received.push({ headers: req.headers, updateId: parsed.update_id, text: parsed.message.text, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`, server, received };
}

let telegram: LocalTelegram;
let receiver: Receiver | undefined;
let controller: AbortController;
let bridge: Promise<PollingBridgeResult> | undefined;

beforeEach(async () => {
  telegram = await startLocalTelegram();
  controller = new AbortController();
});
afterEach(async () => {
  controller.abort();
  await bridge?.catch(() => undefined);
  bridge = undefined;
  await telegram.close();
  receiver?.server.closeAllConnections();
  await new Promise((resolve) => receiver?.server.close(resolve) ?? resolve(undefined));
  receiver = undefined;
});

function start(rx: Receiver): void {
  bridge = runPollingBridge({
    apiRoot: telegram.apiRoot,
    token: telegram.botToken,
    webhookUrl: rx.url,
    secretToken: "bridge-secret",
    signal: controller.signal,
    pollTimeoutS: 1,
    backoff: { baseMs: 10, maxMs: 40 },
  });
}

describe("polling bridge", () => {
  it("forwards updates in order with the secret header and advances the offset", async () => {
    receiver = await startReceiver(() => 200);
    start(receiver);
    const sent = [];
    for (const text of ["first", "second", "third"]) sent.push(await telegram.sendUserMessage({ chatId: 1001, text }));
    const rx = receiver;
    await telegram.waitFor(() => rx.received.length === 3);
    expect(rx.received.map((r) => [r.updateId, r.text])).toEqual(sent.map((s, i) => [s.updateId, ["first", "second", "third"][i]]));
    expect(rx.received.every((r) => r.headers["x-telegram-bot-api-secret-token"] === "bridge-secret")).toBe(true);
    const lastId = sent[2]?.updateId ?? 0;
    await telegram.waitFor(() => telegram.calls({ method: "getUpdates" }).some((c) => Number(c.params.offset) === lastId + 1));
    controller.abort();
    expect(await bridge).toEqual({ delivered: 3, offset: lastId + 1 });
  });

  it("removes a webhook first, keeping the pending updates", async () => {
    receiver = await startReceiver(() => 200);
    await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/setWebhook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: "http://127.0.0.1:9/none" }) });
    await telegram.sendUserMessage({ chatId: 1002, text: "waiting" });
    start(receiver);
    const rx = receiver;
    await telegram.waitFor(() => rx.received.length === 1);
    expect(rx.received[0]?.text).toBe("waiting");
    expect(telegram.calls({ method: "deleteWebhook" })[0]?.params).toEqual({ drop_pending_updates: false });
  });

  it("redelivers an update the worker failed, without loss or duplicates", async () => {
    receiver = await startReceiver((index) => (index === 1 ? 503 : 200));
    start(receiver);
    for (const text of ["a", "b", "c"]) await telegram.sendUserMessage({ chatId: 1003, text });
    const rx = receiver;
    await telegram.waitFor(() => rx.received.filter((r) => r.status === 200).length === 3);
    expect(rx.received.map((r) => [r.text, r.status])).toEqual([
      ["a", 200],
      ["b", 503],
      ["b", 200],
      ["c", 200],
    ]);
    controller.abort();
    expect((await bridge)?.delivered).toBe(3);
    // Stopped cleanly after confirming: nothing is left for the next run.
    const left = await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/getUpdates`).then((r) => r.json());
    expect(left).toEqual({ ok: true, result: [] });
  });

  it("waits for retry_after when Telegram answers 429", async () => {
    receiver = await startReceiver(() => 200);
    telegram.injectFault({ method: "getUpdates", status: 429, retryAfter: 1 });
    start(receiver);
    await telegram.sendUserMessage({ chatId: 1001, text: "after the wait" });
    const rx = receiver;
    await telegram.waitFor(() => rx.received.length === 1, 5000);
    const polls = telegram.calls({ method: "getUpdates" });
    expect(polls[0]?.status).toBe(429);
    expect((polls[1]?.ms ?? 0) - (polls[0]?.ms ?? 0)).toBeGreaterThanOrEqual(900);
  });
});

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap, scaled by the random draw", () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelayMs(attempt, 100, 1000, () => 0.5))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelayMs(3, 100, 1000, () => 0)).toBe(0);
  });
});
