/**
 * The OriginMonitor Durable Object in workerd: probes on its alarm (load read from /health),
 * folds in what chats report, survives eviction, is addressed in the EU jurisdiction, and is what
 * `GET /health` shows, including the recent answers' metrics.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { calmOrigins, control, eventually, newChatId, userSays, waitForBotMessages } from "../support/harness";
import { originMonitor } from "../../durable-objects/origin-monitor-address";
import type { Env } from "../../worker/env";

const worker = (exports as unknown as { default: Fetcher }).default;
const monitor = () => originMonitor(env as unknown as Env, { chatJurisdiction: "none" });

async function probeNow(): Promise<void> {
  await monitor().snapshot();
  expect(await runDurableObjectAlarm(monitor())).toBe(true);
}

beforeAll(async () => {
  await probeNow();
});
afterEach(calmOrigins);

interface HealthOrigin {
  id: string;
  healthy: boolean | null;
  breaker: string;
  degraded: boolean;
  kvCacheUsage: number | null;
  requestsWaiting: number | null;
  lastProbeAgeSeconds: number | null;
}
interface HealthBody {
  ok: boolean;
  bindings: Record<string, boolean>;
  monitor: { probing: boolean; origins: HealthOrigin[]; recentAnswers?: Record<string, unknown>[] };
}

const health = async (query = "") => (await (await worker.fetch(`https://bot.example/health${query}`)).json()) as HealthBody;

describe("probes", () => {
  it("reads every origin's health and load from its /health on the alarm, and keeps probing", async () => {
    await control("modelEu", "setLoad", { kvCacheUsage: 0.42, waiting: 3 });
    await control("modelUs", "setLoad", { healthy: false });
    await probeNow();
    const snapshot = await monitor().snapshot();
    expect(snapshot.origins.find((o) => o.id === "fra1")?.probe).toMatchObject({ ok: true, status: 200, kvCacheUsage: 0.42, waiting: 3 });
    expect(snapshot.origins.find((o) => o.id === "iad1")?.probe).toMatchObject({ ok: false, status: 503, error: "http-503" });
    expect((await monitor().overview()).probing).toBe(true);
  });
});

describe("reports", () => {
  it("opens a breaker from chats' failures and keeps it open across an eviction", async () => {
    const failure = { originId: "iad1", ok: false, error: "OriginConnectError" };
    await monitor().report({ outcomes: Array.from({ length: 6 }, () => failure), answers: [] });
    await evictDurableObject(monitor());
    const iad1 = (await monitor().snapshot()).origins.find((o) => o.id === "iad1");
    expect(iad1).toMatchObject({ breaker: { state: "open", failures: 6 }, failures: 6, lastError: "OriginConnectError" });
  });

  it("rejects a malformed report without changing anything", async () => {
    expect(await monitor().report({ outcomes: "all good" })).toMatchObject({ status: "rejected" });
    expect(await monitor().report({ outcomes: [{ originId: "", ok: "yes" }], answers: [] })).toMatchObject({ status: "rejected" });
    const snapshot = await monitor().snapshot();
    expect(snapshot.origins.every((o) => o.failures === 0 && o.successes === 0)).toBe(true);
  });
});

describe("jurisdiction", () => {
  it("addresses the monitor in the EU jurisdiction when the chats are", () => {
    const asked: string[] = [];
    const real = (env as unknown as Env).ORIGIN_MONITOR;
    const recording = {
      jurisdiction(name: string) {
        asked.push(name);
        return real; // workerd has no jurisdictions
      },
      idFromName: (name: string) => real.idFromName(name),
      get: (id: DurableObjectId) => real.get(id),
    } as unknown as Env["ORIGIN_MONITOR"];
    originMonitor({ ORIGIN_MONITOR: recording }, { chatJurisdiction: "eu" });
    originMonitor({ ORIGIN_MONITOR: recording }, { chatJurisdiction: "none" });
    expect(asked).toEqual(["eu"]);
  });
});

describe("GET /health", () => {
  it("shows each origin's health, breaker, load and probe age", async () => {
    await control("modelEu", "setLoad", { kvCacheUsage: 0.95, waiting: 4 });
    await probeNow();
    const body = await health();
    expect(body.bindings).toMatchObject({ CHAT_SESSION: true, ORIGIN_MONITOR: true, AI: false, ANALYTICS: false });
    expect(body.monitor.origins.find((o) => o.id === "fra1")).toMatchObject({
      healthy: true, breaker: "closed", degraded: true, kvCacheUsage: 0.95, requestsWaiting: 4, lastProbeAgeSeconds: 0,
    });
    expect(body.monitor.origins.find((o) => o.id === "iad1")).toMatchObject({ healthy: true, degraded: false });
    expect(body.monitor.recentAnswers).toBeUndefined();
  });

  it("with ?verbose=1 lists the recent answers' metrics, without chat or update ids", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: `metrics please ${chatId}` });
    await waitForBotMessages(chatId, 1);
    // The record reaches the monitor just after the answer, fire and forget.
    const body = await eventually(async () => {
      const b = await health("?verbose=1");
      return (b.monitor.recentAnswers?.length ?? 0) > 0 ? b : undefined;
    });
    const last = body.monitor.recentAnswers?.at(-1);
    expect(last).toMatchObject({ region: "global", origin: "fra1", outcome: "ok", degraded: false, failovers: 0 });
    expect(typeof last?.ttftMs).toBe("number");
    expect(typeof last?.completionTokens).toBe("number");
    expect(JSON.stringify(body)).not.toContain(String(chatId));
  });

  it("records an EU chat that could not be answered as an origin error of the origin that failed", async () => {
    await control("modelEu", "setFault", { kind: "status", status: 500 });
    const chatId = newChatId();
    await userSays({ chatId, text: `Hallo, bitte antworte mir ${chatId}`, languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    const last = await eventually(async () => (await monitor().overview()).recent.find((m) => m.region === "eu"));
    expect(last).toMatchObject({ origin: "fra1", outcome: "origin-error", failovers: 1 });
    expect(last?.ttftMs).toBeUndefined();
  });
});

describe("answer metrics", () => {
  it("records a message whose delivery Telegram refused as a Telegram error", async () => {
    const chatId = newChatId();
    await control("telegram", "injectFault", {
      method: "sendMessage", status: 403, times: 1, description: "Forbidden: bot was blocked by the user",
    });
    await userSays({ chatId, text: `blocked delivery ${chatId}` });
    const last = await eventually(async () => (await monitor().overview()).recent.find((m) => m.outcome === "telegram-error"));
    expect(last).toMatchObject({ region: "global", origin: "fra1", failovers: 0 });
    expect(typeof last?.ttftMs).toBe("number");
  });
});
