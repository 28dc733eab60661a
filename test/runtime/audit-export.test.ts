/**
 * GET /admin/audit/export through the real Worker: Access JWT checks against a JWKS served over
 * HTTP, the admin token, filtering by range and chat, NDJSON and CSV, and a 20k-event export that
 * streams page by page.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import type { CryptoKey } from "jose";
import { loadConfig } from "../../worker/config";
import type { Env } from "../../worker/env";
import type { AuditEvent, AuditRegion } from "../../worker/audit/event";
import { DurableAuditSink } from "../../worker/audit/sink";
import { DAY_MS, dayStart, daysBetween } from "../../worker/audit/shards";
import { encoderFor } from "../../worker/audit/encode";
import { exportEvents, exportStream } from "../../worker/audit/export-stream";
import { shardSources } from "../../worker/admin/audit-export";
import { control, eventually, newChatId } from "../support/harness";
import { parseCsv } from "../support/csv";

const worker = (exports as unknown as { default: Fetcher }).default;
const bindings = env as unknown as Env & { ADMIN_TOKEN: string; ACCESS_AUD: string; ACCESS_TEAM_DOMAIN: string };
const config = loadConfig(env);
const ISSUER = `https://${bindings.ACCESS_TEAM_DOMAIN}`;

let teamKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  teamKey = pair.privateKey;
  await control("jwks", "setKeys", [{ ...(await exportJWK(pair.publicKey)), kid: "team-1", alg: "RS256", use: "sig" }]);
});

function accessJwt(o: { email?: string; groups?: string[]; aud?: string; iss?: string; expiresIn?: number; kid?: string; key?: CryptoKey } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: o.email ?? "auditor@example.com", ...(o.groups ? { groups: o.groups } : {}) })
    .setProtectedHeader({ alg: "RS256", kid: o.kid ?? "team-1" })
    .setSubject("staff-subject-1")
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? bindings.ACCESS_AUD)
    .setIssuedAt(now - 30)
    .setExpirationTime(now + (o.expiresIn ?? 600))
    .sign(o.key ?? teamKey);
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return worker.fetch(new Request(`https://bot.example${path}`, { headers }));
}
const asAdmin = { authorization: `Bearer ${bindings.ADMIN_TOKEN}` };

async function readAudit(region: AuditRegion, fromMs: number): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  const toMs = Date.now() + 1000;
  const query = { region, fromMs, toMs, format: "ndjson" as const };
  for (const day of daysBetween(fromMs, toMs)) {
    for await (const e of exportEvents({ days: [day], sourcesFor: (d) => shardSources(bindings, config, query, d) })) out.push(e);
  }
  return out;
}

const sink = new DurableAuditSink(bindings, config);
const exportPath = (q: Record<string, string>) => `/admin/audit/export?${new URLSearchParams(q).toString()}`;

describe("who may export", () => {
  const EXPORT = exportPath({ region: "eu", from: "2026-01-01", to: "2026-01-02" });

  it("answers 401 without credentials, says nothing more, and audits the attempt", async () => {
    const since = Date.now() - 1000;
    const response = await get(EXPORT);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error: "unauthorized" });
    const denied = await eventually(async () =>
      (await readAudit("eu", since)).find((e) => e.kind === "admin-auth" && e.outcome === "denied:missing-credentials"),
    );
    expect(denied.detail).toMatchObject({ status: 401, path: "/admin/audit/export" });
  });

  it("answers 401 to a wrong admin token", async () => {
    const response = await get(EXPORT, { authorization: "Bearer not-the-admin-token-at-all" });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(bindings.ADMIN_TOKEN);
  });

  it("lets the admin token in", async () => {
    expect((await get(EXPORT, asAdmin)).status).toBe(200);
  });

  it("lets an allow-listed Access user in with a valid JWT", async () => {
    expect((await get(EXPORT, { "cf-access-jwt-assertion": await accessJwt() })).status).toBe(200);
  });

  it("lets an allow-listed Access group in", async () => {
    const jwt = await accessJwt({ email: "someone-else@example.com", groups: ["compliance"] });
    expect((await get(EXPORT, { "cf-access-jwt-assertion": jwt })).status).toBe(200);
  });

  it.each([
    ["an expired token", { expiresIn: -120 }, "denied:expired"],
    ["another application's token", { aud: "some-other-application-aud" }, "denied:wrong-audience"],
    ["another team's token", { iss: "https://other-team.cloudflareaccess.com" }, "denied:wrong-issuer"],
    ["a token signed with an unknown key", { kid: "stranger-1" }, "denied:unknown-key"],
  ] as const)("answers 401 to %s and audits why", async (_name, options, outcome) => {
    const since = Date.now() - 1000;
    const jwt = await accessJwt({ ...options, ...("kid" in options ? { key: strangerKey } : {}) });
    const response = await get(EXPORT, { "cf-access-jwt-assertion": jwt });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error: "unauthorized" });
    await eventually(async () => (await readAudit("eu", since)).some((e) => e.kind === "admin-auth" && e.outcome === outcome));
  });

  it("answers 403 to a valid token of someone not on the allow-list", async () => {
    const since = Date.now() - 1000;
    const response = await get(EXPORT, { "cf-access-jwt-assertion": await accessJwt({ email: "intern@example.com", groups: ["staff"] }) });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ ok: false, error: "forbidden" });
    const denied = await eventually(async () =>
      (await readAudit("eu", since)).find((e) => e.kind === "admin-auth" && e.outcome === "denied:not-allowed"),
    );
    expect(denied.detail).toMatchObject({ subject: "intern@example.com", status: 403 });
  });
});

describe("what an export contains", () => {
  const chatId = newChatId();
  const other = newChatId();
  const today = dayStart(Date.now());
  const yesterday = today - DAY_MS;
  const tricky = 'Hallo, "Welt"\nzweite Zeile 😀 — 中文';
  const seeded: AuditEvent[] = [
    { id: "e-1", ts: yesterday + 3_600_000, region: "eu", kind: "update", outcome: "answered", chatId, userId: chatId, updateId: 1, text: tricky },
    { id: "e-2", ts: yesterday + 3_600_000, region: "eu", kind: "answer", outcome: "answered", chatId, origin: "fra1", promptTokens: 10, completionTokens: 20, latencyMs: 900 },
    { id: "e-3", ts: today + 60_000, region: "eu", kind: "erasure", outcome: "erased", chatId, detail: { reason: "forget", turns: 4 } },
    { id: "e-4", ts: today + 60_000, region: "eu", kind: "update", outcome: "answered", chatId: other },
    { id: "e-5", ts: today + 120_000, region: "global", kind: "update", outcome: "answered", chatId },
  ].map((e) => ({ ...e, id: `${e.id}-${chatId}` }) as AuditEvent);
  const range = { region: "eu", from: new Date(yesterday).toISOString(), to: new Date(today + DAY_MS).toISOString() };

  beforeAll(async () => {
    await sink.write(seeded);
  });

  it("streams one chat's events in the range as NDJSON, in time order, and nothing else", async () => {
    const response = await get(exportPath({ ...range, chat: String(chatId), format: "ndjson" }), asAdmin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(`audit-eu-chat${chatId}-`);
    const events = (await response.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as AuditEvent);
    // Exports of this chat are themselves audited under its chat id; leave those aside here.
    expect(events.filter((e) => e.kind !== "export").map((e) => e.id)).toEqual([`e-1-${chatId}`, `e-2-${chatId}`, `e-3-${chatId}`]);
    expect(events[0]?.text).toBe(tricky);
  });

  it("cuts at the range: from is inclusive, to is exclusive", async () => {
    const response = await get(exportPath({ region: "eu", from: String(today), to: String(today + 60_000), chat: String(chatId) }), asAdmin);
    expect(await response.text()).toBe("");
    const later = await get(exportPath({ region: "eu", from: String(today + 60_000), to: String(today + 60_001), chat: String(chatId) }), asAdmin);
    expect((await later.text()).trimEnd().split("\n")).toHaveLength(1);
  });

  it("writes CSV with a header and escaping a spreadsheet reads back exactly", async () => {
    const response = await get(exportPath({ ...range, chat: String(chatId), format: "csv" }), asAdmin);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const [header, ...all] = parseCsv(await response.text());
    expect(header?.slice(0, 5)).toEqual(["time", "ts_ms", "region", "kind", "outcome"]);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    const rows = all.filter((r) => r[column("kind")] !== "export");
    expect(rows).toHaveLength(3);
    expect(rows[0]?.[column("text")]).toBe(tricky);
    expect(rows[1]?.[column("origin")]).toBe("fra1");
    expect(rows[1]?.[column("completion_tokens")]).toBe("20");
    expect(JSON.parse(rows[2]?.[column("detail")] ?? "")).toEqual({ reason: "forget", turns: 4 });
  });

  it("keeps regions apart: the EU export never shows a global event", async () => {
    const eu = await (await get(exportPath({ ...range, chat: String(chatId) }), asAdmin)).text();
    expect(eu).not.toContain(`e-5-${chatId}`);
    const global = await (await get(exportPath({ ...range, region: "global", chat: String(chatId) }), asAdmin)).text();
    expect(global).toContain(`e-5-${chatId}`);
  });

  it("resumes after a cursor", async () => {
    const after = `${seeded[1]?.ts}~${seeded[1]?.id}`;
    const text = await (await get(exportPath({ ...range, chat: String(chatId), after }), asAdmin)).text();
    const events = text.trimEnd().split("\n").map((l) => JSON.parse(l) as AuditEvent);
    expect(events.filter((e) => e.kind !== "export").map((e) => e.id)).toEqual([`e-3-${chatId}`]);
    expect(events.every((e) => e.ts > (seeded[1]?.ts ?? 0) || (e.ts === seeded[1]?.ts && e.id > (seeded[1]?.id ?? "")))).toBe(true);
  });

  it("answers 400 naming a bad parameter", async () => {
    const response = await get(exportPath({ region: "mars", from: "2026-01-01", to: "2026-01-02" }), asAdmin);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: expect.stringMatching(/^region/) });
  });

  it("audits the export itself: who, what range, and how many events", async () => {
    const since = Date.now() - 1000;
    const response = await get(exportPath({ ...range, chat: String(chatId) }), { "cf-access-jwt-assertion": await accessJwt() });
    const lines = (await response.text()).trimEnd().split("\n").length;
    const byAuditor = (e: AuditEvent) => e.kind === "export" && e.chatId === chatId && e.detail?.actor === "auditor@example.com";
    const done = await eventually(async () => (await readAudit("eu", since)).find((e) => byAuditor(e) && e.outcome === "complete"));
    expect(done.detail).toMatchObject({ events: lines, format: "ndjson", from: range.from });
    expect((await readAudit("eu", since)).some((e) => byAuditor(e) && e.outcome === "started")).toBe(true);
  });
});

describe("a large export", () => {
  const TOTAL = 20_000;
  const day = dayStart(Date.now()) - 5 * DAY_MS;
  const query = { region: "eu" as const, fromMs: day, toMs: day + DAY_MS, format: "ndjson" as const };

  beforeAll(async () => {
    const base = newChatId() * 100_000;
    const events: AuditEvent[] = [];
    for (let i = 0; i < TOTAL; i++) {
      events.push({ id: `big-${String(i).padStart(6, "0")}`, ts: day + 1000 + Math.floor(i / 4), region: "eu", kind: "update", outcome: "answered", chatId: base + i });
    }
    await sink.write(events);
  }, 60_000);

  it("reads shard pages as the reader pulls, not the whole range before the first byte", async () => {
    let pageReads = 0;
    const plan = {
      days: [day],
      sourcesFor: (d: number) =>
        shardSources(bindings, config, query, d).map((source) => ({
          read: (after: Parameters<typeof source.read>[0]) => {
            pageReads += 1;
            return source.read(after);
          },
        })),
    };
    const reader = exportStream(exportEvents(plan), encoderFor("ndjson"), { chunkChars: 16 * 1024 }).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // 20,000 events in 8 shards are 48 pages of 500; buffering would read all of them first.
    expect(pageReads).toBeLessThanOrEqual(2 * config.audit.shards);
    await reader.cancel();
  });

  it("delivers all events over HTTP, sorted by time, read incrementally", async () => {
    const response = await get(exportPath({ region: "eu", from: String(day), to: String(day + DAY_MS) }), asAdmin);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    let count = 0;
    let chunks = 0;
    let previous = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks += 1;
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const e = JSON.parse(line) as AuditEvent;
        const key = `${String(e.ts).padStart(16, "0")}~${e.id}`;
        expect(key > previous).toBe(true);
        previous = key;
        count += 1;
      }
    }
    expect(buffered).toBe("");
    expect(count).toBe(TOTAL);
    expect(chunks).toBeGreaterThan(10);
  }, 60_000);
});
