import { describe, expect, it } from "vitest";
import type { AuditCursor, AuditEvent } from "../../worker/audit/event";
import { compareEvents } from "../../worker/audit/event";
import { encoderFor } from "../../worker/audit/encode";
import { exportEvents, exportStream } from "../../worker/audit/export-stream";
import type { ExportSummary } from "../../worker/audit/export-stream";
import { mergeSources } from "../../worker/audit/merge";
import type { PageSource } from "../../worker/audit/merge";
import { DAY_MS } from "../../worker/audit/shards";

const DAY = Date.parse("2026-11-20T00:00:00Z");

function ev(ts: number, id: string, chatId = 1): AuditEvent {
  return { id, ts, region: "eu", kind: "update", outcome: "answered", chatId };
}

/** A shard in memory that serves cursor pages and counts them. */
function memoryShard(events: AuditEvent[], pageSize: number, reads: { count: number }): PageSource {
  const sorted = [...events].sort(compareEvents);
  return {
    read: async (after?: AuditCursor) => {
      reads.count += 1;
      const start = after === undefined ? 0 : sorted.findIndex((e) => compareEvents(e, after) > 0);
      const page = start < 0 ? [] : sorted.slice(start, start + pageSize);
      const last = page.at(-1);
      return { events: page, next: page.length === pageSize && last ? { ts: last.ts, id: last.id } : null };
    },
  };
}

async function collect(iterable: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

describe("mergeSources", () => {
  it("merges shards into one time order, ties broken by id, across page boundaries", async () => {
    const reads = { count: 0 };
    const a = [ev(DAY + 5, "a5"), ev(DAY + 1, "a1"), ev(DAY + 3, "b3"), ev(DAY + 9, "a9")];
    const b = [ev(DAY + 3, "a3"), ev(DAY + 2, "b2"), ev(DAY + 9, "b9")];
    const c: AuditEvent[] = [];
    const merged = await collect(mergeSources([memoryShard(a, 2, reads), memoryShard(b, 2, reads), memoryShard(c, 2, reads)]));
    expect(merged.map((e) => e.id)).toEqual(["a1", "b2", "a3", "b3", "a5", "a9", "b9"]);
  });

  it("resumes strictly after a cursor", async () => {
    const reads = { count: 0 };
    const a = [ev(DAY + 1, "x"), ev(DAY + 2, "y")];
    const b = [ev(DAY + 2, "z"), ev(DAY + 3, "w")];
    const merged = await collect(mergeSources([memoryShard(a, 1, reads), memoryShard(b, 1, reads)], { ts: DAY + 2, id: "y" }));
    expect(merged.map((e) => e.id)).toEqual(["z", "w"]);
  });
});

describe("exportEvents", () => {
  it("reads day after day and skips the days before a resume cursor", async () => {
    const asked: number[] = [];
    const plan = {
      days: [DAY, DAY + DAY_MS, DAY + 2 * DAY_MS],
      sourcesFor: (day: number) => {
        asked.push(day);
        return [memoryShard([ev(day + 10, `d${(day - DAY) / DAY_MS}`)], 10, { count: 0 })];
      },
    };
    expect((await collect(exportEvents(plan))).map((e) => e.id)).toEqual(["d0", "d1", "d2"]);
    asked.length = 0;
    const resumed = await collect(exportEvents({ ...plan, after: { ts: DAY + DAY_MS + 10, id: "d1" } }));
    expect(resumed.map((e) => e.id)).toEqual(["d2"]);
    expect(asked).toEqual([DAY + DAY_MS, DAY + 2 * DAY_MS]);
  });
});

describe("exportStream", () => {
  const SHARDS = 8;
  const PAGE = 500;
  const TOTAL = 20_000;

  function bigPlan(reads: { count: number }) {
    const shards: AuditEvent[][] = Array.from({ length: SHARDS }, () => []);
    for (let i = 0; i < TOTAL; i++) {
      const id = `e${String(i).padStart(6, "0")}`;
      shards[i % SHARDS]?.push(ev(DAY + Math.floor(i / 3), id, i));
    }
    return { days: [DAY], sourcesFor: () => shards.map((s) => memoryShard(s, PAGE, reads)) };
  }

  it("sends the first chunk after reading one page per shard, not the whole range", async () => {
    const reads = { count: 0 };
    const stream = exportStream(exportEvents(bigPlan(reads)), encoderFor("ndjson"), { chunkChars: 16 * 1024 });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const totalPages = SHARDS * (TOTAL / SHARDS / PAGE + 1);
    // A buffering export would have read every page (≈ totalPages) before its first byte.
    expect(reads.count).toBeLessThanOrEqual(SHARDS * 2);
    expect(reads.count).toBeLessThan(totalPages / 4);
    await reader.cancel();
  });

  it("delivers every event exactly once, in order, and reports the count", async () => {
    const reads = { count: 0 };
    let summary: ExportSummary | undefined;
    const stream = exportStream(exportEvents(bigPlan(reads)), encoderFor("ndjson"), {
      onDone: (s) => {
        summary = s;
      },
    });
    const text = await new Response(stream).text();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(TOTAL);
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids[0]).toBe("e000000");
    expect(ids.at(-1)).toBe(`e${String(TOTAL - 1).padStart(6, "0")}`);
    expect([...ids].sort()).toEqual(ids);
    expect(summary).toMatchObject({ status: "complete", count: TOTAL });
  });

  it("writes the CSV header even when nothing matched", async () => {
    const text = await new Response(
      exportStream(exportEvents({ days: [DAY], sourcesFor: () => [memoryShard([], 10, { count: 0 })] }), encoderFor("csv")),
    ).text();
    expect(text.split("\r\n")[0]).toMatch(/^time,ts_ms,region,kind/);
    expect(text.split("\r\n")).toHaveLength(2);
  });

  it("breaks the stream when a shard fails, instead of ending a short file cleanly", async () => {
    let summary: ExportSummary | undefined;
    const failing: PageSource = { read: async () => Promise.reject(new Error("shard overloaded")) };
    const stream = exportStream(exportEvents({ days: [DAY], sourcesFor: () => [failing] }), encoderFor("ndjson"), {
      onDone: (s) => {
        summary = s;
      },
    });
    await expect(new Response(stream).text()).rejects.toThrow("shard overloaded");
    expect(summary?.status).toBe("failed");
  });
});
