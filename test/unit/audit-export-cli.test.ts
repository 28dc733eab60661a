import { createServer } from "node:http";
import type { Server } from "node:http";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditExportError, runAuditExportCli, runExport } from "../../scripts/audit-export";
import type { ExportOptions } from "../../scripts/audit-export";
import { ndjsonLine } from "../../worker/audit/encode";
import type { AuditEvent } from "../../worker/audit/event";
import { parseCursor, compareEvents } from "../../worker/audit/event";

const TOKEN = "cli-test-admin-token-0123456789";
const BASE = Date.parse("2026-11-20T00:00:00Z");
const EVENTS: AuditEvent[] = Array.from({ length: 600 }, (_, i) => ({
  id: `ev-${String(i).padStart(4, "0")}`,
  ts: BASE + Math.floor(i / 2) * 1000,
  region: "eu",
  kind: "update",
  outcome: "answered",
  chatId: 1000 + (i % 7),
  ...(i === 5 ? { text: 'comma, "quote"\nnewline 😀' } : {}),
}));

/** Serves the export; `dropAfter[n]` cuts the n-th request's connection after that many events. */
let dropAfter: (number | undefined)[] = [];
let requests: URL[] = [];
let server: Server;
let url = "";
let dir = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const requestUrl = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(requestUrl);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"ok":false,"error":"unauthorized"}');
      return;
    }
    const after = parseCursor(requestUrl.searchParams.get("after") ?? undefined);
    const rest = EVENTS.filter((e) => after === undefined || compareEvents(e, after) > 0);
    const drop = dropAfter[requests.length - 1];
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const body = rest.slice(0, drop ?? rest.length).map(ndjsonLine).join("");
    if (drop === undefined) {
      res.end(body);
      return;
    }
    // Half a record, then the connection dies.
    res.write(body + ndjsonLine(rest[drop] as AuditEvent).slice(0, 20));
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  url = `http://127.0.0.1:${address.port}`;
  dir = await mkdtemp(join(tmpdir(), "audit-export-"));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  dropAfter = [];
  requests = [];
});

const options = (out: string, overrides: Partial<ExportOptions> = {}): ExportOptions => ({
  url, region: "eu", from: "2026-11-20", to: "2026-11-21", format: "ndjson", out,
  resume: false, retries: 3, auth: { adminToken: TOKEN }, ...overrides,
});
const noSleep = { sleep: async () => {} };

const idsIn = async (file: string) =>
  (await readFile(file, "utf8")).trimEnd().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);

describe("audit-export CLI", () => {
  it("writes every event once and reports the count and span", async () => {
    const out = join(dir, "plain.ndjson");
    const result = await runExport(options(out), noSleep);
    expect(result).toEqual({ count: 600, firstTs: EVENTS[0]?.ts, lastTs: EVENTS.at(-1)?.ts, file: out });
    expect(await idsIn(out)).toEqual(EVENTS.map((e) => e.id));
    await expect(stat(`${out}.progress.json`)).rejects.toThrow();
  });

  it("resumes after a dropped connection into the same file, without duplicates or half records", async () => {
    dropAfter = [150, 200];
    const out = join(dir, "resumed.ndjson");
    const lines: string[] = [];
    const result = await runExport(options(out), { ...noSleep, progress: (l) => lines.push(l) });
    expect(result.count).toBe(600);
    expect(await idsIn(out)).toEqual(EVENTS.map((e) => e.id));
    expect(requests).toHaveLength(3);
    expect(requests[1]?.searchParams.get("after")).toBe(`${EVENTS[149]?.ts}~${EVENTS[149]?.id}`);
    expect(lines.some((l) => l.startsWith("connection dropped after 150 events"))).toBe(true);
  });

  it("fails clearly when the connection stays down, and --resume finishes the same file later", async () => {
    dropAfter = [100, 0];
    const out = join(dir, "later.csv");
    const failed = runExport(options(out, { retries: 1, format: "csv" }), noSleep);
    await expect(failed).rejects.toBeInstanceOf(AuditExportError);
    await expect(failed).rejects.toThrow(/connection dropped after 100 events.*--resume/);

    const result = await runExport(options(out, { retries: 1, format: "csv", resume: true }), noSleep);
    expect(result.count).toBe(600);
    const text = await readFile(out, "utf8");
    expect(text.startsWith("time,ts_ms,region,kind")).toBe(true);
    expect(text.match(/^time,/gm)).toHaveLength(1);
    expect(text).toContain('"comma, ""quote""\nnewline 😀"');
    for (const e of EVENTS) expect(text.split(e.id).length - 1, e.id).toBe(1);
  });

  it("refuses to resume another export's progress", async () => {
    dropAfter = [10, 0];
    const out = join(dir, "other.ndjson");
    await expect(runExport(options(out, { retries: 1 }), noSleep)).rejects.toThrow(/--resume/);
    await expect(runExport(options(out, { resume: true, region: "global" }), noSleep)).rejects.toThrow(/another export/);
  });

  it("says when it is not authorized, without retrying", async () => {
    const out = join(dir, "denied.ndjson");
    const printed: string[] = [];
    const code = await runAuditExportCli(
      ["--url", url, "--region", "eu", "--from", "2026-11-20", "--to", "2026-11-21", "--out", out],
      { ADMIN_TOKEN: "wrong-token-0123456789abcdef" },
      (l) => printed.push(l),
      { ...noSleep, progress: () => {} },
    );
    expect(code).toBe(3);
    expect(printed.join("\n")).toContain("not authorized (HTTP 401)");
    expect(requests).toHaveLength(1);
  });

  it("prints how many events it wrote and the time they span", async () => {
    const out = join(dir, "summary.csv");
    const printed: string[] = [];
    const code = await runAuditExportCli(
      ["--url", url, "--region", "eu", "--from", "2026-11-20", "--to", "2026-11-21", "--out", out],
      { ADMIN_TOKEN: TOKEN },
      (l) => printed.push(l),
      { ...noSleep, progress: () => {} },
    );
    expect(code).toBe(0);
    expect(printed).toEqual([`600 events, from 2026-11-20T00:00:00.000Z to 2026-11-20T00:04:59.000Z, written to ${out}`]);
  });
});
