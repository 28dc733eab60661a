import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  auditObjectName,
  dayStart,
  daysBetween,
  fnv1a,
  shardExpiry,
  shardOf,
  utcDay,
} from "../../worker/audit/shards";
import { compareEvents, formatCursor, parseCursor } from "../../worker/audit/event";
import { RejectionSampler } from "../../worker/audit/rejections";

const at = (iso: string) => Date.parse(iso);

describe("audit shard addressing", () => {
  it("names a shard by region, UTC day and number", () => {
    expect(auditObjectName("eu", at("2026-11-25T00:00:00Z"), 3)).toBe("audit:eu:2026-11-25:3");
    expect(auditObjectName("global", at("2026-01-02T00:00:00Z"), 0)).toBe("audit:global:2026-01-02:0");
  });

  it("puts an event a millisecond before midnight UTC on the earlier day", () => {
    expect(utcDay(at("2026-11-25T23:59:59.999Z"))).toBe("2026-11-25");
    expect(utcDay(at("2026-11-26T00:00:00.000Z"))).toBe("2026-11-26");
    expect(dayStart(at("2026-11-25T13:14:15Z"))).toBe(at("2026-11-25T00:00:00Z"));
  });

  it("expires a shard at the end of its day plus the retention", () => {
    expect(shardExpiry(at("2026-11-25T08:00:00Z"), 30)).toBe(at("2026-12-26T00:00:00Z"));
    expect(shardExpiry(at("2026-11-25T23:59:59Z"), 1)).toBe(at("2026-11-27T00:00:00Z"));
  });

  it("lists every UTC day overlapping a range, and none after it", () => {
    const days = daysBetween(at("2026-11-24T22:00:00Z"), at("2026-11-26T00:00:00Z"));
    expect(days.map(utcDay)).toEqual(["2026-11-24", "2026-11-25"]);
    expect(daysBetween(at("2026-11-24T22:00:00Z"), at("2026-11-24T22:00:00Z"))).toEqual([]);
  });

  it("keeps a chat's events of a day in one shard, and spreads chats over all shards", () => {
    expect(shardOf({ chatId: 42, id: "a" }, 8)).toBe(shardOf({ chatId: 42, id: "b" }, 8));
    const used = new Set<number>();
    for (let chat = 1; chat <= 400; chat++) used.add(shardOf({ chatId: chat, id: "x" }, 8));
    expect(used.size).toBe(8);
  });

  it("spreads events without a chat by their id", () => {
    const used = new Set<number>();
    for (let i = 0; i < 200; i++) used.add(shardOf({ id: `event-${i}` }, 8));
    expect(used.size).toBe(8);
  });

  it("hashes the same way everywhere (FNV-1a reference values)", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("is one day apart per day", () => {
    expect(DAY_MS).toBe(86_400_000);
  });
});

describe("audit cursors", () => {
  it("orders by time, then id", () => {
    expect(compareEvents({ ts: 1, id: "b" }, { ts: 2, id: "a" })).toBeLessThan(0);
    expect(compareEvents({ ts: 2, id: "a" }, { ts: 2, id: "b" })).toBeLessThan(0);
    expect(compareEvents({ ts: 2, id: "b" }, { ts: 2, id: "b" })).toBe(0);
  });

  it("round-trips through its text form and rejects anything else", () => {
    const cursor = { ts: 1764042000123, id: "3f2a9c1e-0000-4000-8000-000000000001" };
    expect(parseCursor(formatCursor(cursor))).toEqual(cursor);
    expect(parseCursor("12~a b")).toBeUndefined();
    expect(parseCursor("x~y")).toBeUndefined();
    expect(parseCursor(undefined)).toBeUndefined();
  });
});

describe("RejectionSampler", () => {
  it("lets a few refused requests a second through and counts the rest into the next one", () => {
    const sampler = new RejectionSampler(2);
    expect(sampler.take(0)).toEqual({ record: true, suppressed: 0 });
    expect(sampler.take(10)).toEqual({ record: true, suppressed: 0 });
    expect(sampler.take(20).record).toBe(false);
    expect(sampler.take(30).record).toBe(false);
    expect(sampler.take(1000)).toEqual({ record: true, suppressed: 2 });
    expect(sampler.take(1001)).toEqual({ record: true, suppressed: 0 });
  });
});
