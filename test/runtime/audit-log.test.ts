/**
 * The audit log in workerd with real SQLite shards: where events are addressed (EU events only
 * through the EU jurisdiction), retention enforced by each shard's own alarm, and the events the
 * bot writes while it works.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import type { Env } from "../../worker/env";
import type { AuditEvent, AuditRegion } from "../../worker/audit/event";
import { DurableAuditSink, auditShard } from "../../worker/audit/sink";
import { DAY_MS, dayStart, daysBetween, shardExpiry, shardOf } from "../../worker/audit/shards";
import { exportEvents } from "../../worker/audit/export-stream";
import { exportPlan } from "../../worker/admin/audit-export";
import { eventually, newChatId, userSays, waitForBotMessages, webhook } from "../support/harness";

const bindings = env as unknown as Env;
const config = loadConfig(env);

async function readAudit(region: AuditRegion, fromMs: number, chatId?: number): Promise<AuditEvent[]> {
  const toMs = Date.now() + 1000;
  const query = { region, fromMs, toMs, chatId, format: "ndjson" as const };
  const out: AuditEvent[] = [];
  for await (const e of exportEvents(exportPlan(bindings, config, query, daysBetween(fromMs, toMs)))) out.push(e);
  return out;
}

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return { id: crypto.randomUUID(), ts: Date.now(), region: "eu", kind: "update", outcome: "answered", chatId: newChatId(), ...overrides };
}

/** A namespace that records through which scope (EU jurisdiction or plain) each object was named. */
function recordingNamespace() {
  const named: { scope: "eu" | "plain"; name: string }[] = [];
  const real = bindings.AUDIT_LOG;
  const scoped = (scope: "eu" | "plain") => ({
    idFromName(name: string) {
      named.push({ scope, name });
      return real.idFromName(name);
    },
    get: (id: DurableObjectId) => real.get(id),
    jurisdiction(which: string) {
      if (scope !== "plain" || which !== "eu") throw new Error(`unexpected jurisdiction(${which}) on ${scope}`);
      return scoped("eu"); // workerd has no jurisdictions; production's namespace restricts storage
    },
  });
  return { namespace: scoped("plain") as unknown as Env["AUDIT_LOG"], named };
}

describe("residency of audit events", () => {
  it("writes and reads EU events only through the EU jurisdiction, and global ones outside it", async () => {
    const { namespace, named } = recordingNamespace();
    const euConfig = { chatJurisdiction: "eu" as const, audit: { shards: 8 } };
    const sink = new DurableAuditSink({ AUDIT_LOG: namespace }, euConfig);
    const chats = Array.from({ length: 20 }, () => newChatId());
    await sink.write(chats.map((chatId) => event({ chatId, region: "eu" })));
    await sink.write([event({ region: "global" }), event({ region: "eu", chatId: undefined, kind: "admin-auth", outcome: "denied:wrong-token" })]);
    const query = { region: "eu" as const, fromMs: Date.now() - 60_000, toMs: Date.now() + 1000, format: "ndjson" as const };
    for await (const _ of exportEvents(exportPlan({ AUDIT_LOG: namespace }, euConfig, query, [dayStart(Date.now())]))) {
      // reading goes through the same addressing
    }
    const eu = named.filter((n) => n.name.startsWith("audit:eu:"));
    const global = named.filter((n) => n.name.startsWith("audit:global:"));
    expect(eu.length).toBeGreaterThan(8);
    expect(eu.every((n) => n.scope === "eu")).toBe(true);
    expect(global.length).toBeGreaterThan(0);
    expect(global.every((n) => n.scope === "plain")).toBe(true);
  });

  it("puts an EU chat's events from the bot in the EU shards, without message text", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "Erzähl mir vom Rhein, bitte", languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    const events = await eventually(async () => {
      const found = await readAudit("eu", since, chatId);
      return found.some((e) => e.kind === "update") && found.some((e) => e.kind === "answer") ? found : undefined;
    });
    const answer = events.find((e) => e.kind === "answer");
    expect(answer).toMatchObject({ region: "eu", chatId, userId: chatId, origin: "fra1", outcome: "answered" });
    expect(answer?.promptTokens).toBeGreaterThan(0);
    expect(answer?.completionTokens).toBeGreaterThan(0);
    expect(answer?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(events.find((e) => e.kind === "update")).toMatchObject({ outcome: "answered", detail: { type: "text" } });
    expect(JSON.stringify(events)).not.toContain("Rhein");
    expect(await readAudit("global", since, chatId)).toEqual([]);
  });

  it("puts a global chat's events in the global shards", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "tell me about rivers", languageCode: "en" });
    await waitForBotMessages(chatId, 1);
    const events = await eventually(async () => {
      const found = await readAudit("global", since, chatId);
      return found.some((e) => e.kind === "answer") ? found : undefined;
    });
    expect(events.every((e) => e.region === "global")).toBe(true);
    expect(await readAudit("eu", since, chatId)).toEqual([]);
  });

  it("audits a webhook with a wrong secret, without the secret", async () => {
    const since = Date.now() - 1000;
    const response = await webhook({ update_id: 1 }, "forged-secret-value");
    expect(response.status).toBe(401);
    const rejected = await eventually(async () =>
      (await readAudit("eu", since)).find((e) => e.kind === "webhook-rejected" && e.outcome === "wrong-secret"),
    );
    expect(rejected.detail).toMatchObject({ status: 401 });
    expect(JSON.stringify(rejected)).not.toContain("forged-secret-value");
  });
});

describe("retention", () => {
  it("deletes a shard's events once the day plus the retention has passed", async () => {
    const old = Date.now() - 40 * DAY_MS;
    const chatId = newChatId();
    const stub = auditShard(bindings, config, "eu", dayStart(old), shardOf({ chatId, id: "" }, config.audit.shards));
    await stub.append({ events: [event({ ts: old, chatId })] });
    // The alarm sits in the past, so it may already have run; run it now if it has not.
    await runDurableObjectAlarm(stub);
    expect(await stub.stats()).toEqual({ events: 0, expiresAt: null, alarmAt: null });
    expect(await readAudit("eu", old - 1000, chatId)).toEqual([]);
  });

  it("keeps a shard whose window is still open when its alarm runs early, and re-arms it", async () => {
    const now = Date.now();
    const chatId = newChatId();
    const stub = auditShard(bindings, config, "eu", dayStart(now), shardOf({ chatId, id: "" }, config.audit.shards));
    await stub.append({ events: [event({ ts: now, chatId })] });
    const expiry = shardExpiry(now, config.audit.retentionDays);
    expect(await stub.stats()).toMatchObject({ expiresAt: expiry, alarmAt: expiry });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await stub.stats();
    expect(after.events).toBeGreaterThanOrEqual(1);
    expect(after.alarmAt).toBe(expiry);
  });

  it("takes a retried write only once", async () => {
    const chatId = newChatId();
    const e = event({ chatId });
    const stub = auditShard(bindings, config, "eu", dayStart(e.ts), shardOf(e, config.audit.shards));
    expect(await stub.append({ events: [e] })).toEqual({ status: "ok", stored: 1 });
    expect(await stub.append({ events: [e] })).toEqual({ status: "ok", stored: 0 });
  });

  it("refuses malformed events at the boundary", async () => {
    const stub = auditShard(bindings, config, "eu", dayStart(Date.now()), 0);
    expect(await stub.append({ events: [{ id: "x", ts: -1 }] })).toMatchObject({ status: "rejected" });
  });
});
