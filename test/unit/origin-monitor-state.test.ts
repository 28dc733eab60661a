/**
 * The OriginMonitor's folds: outcomes drive the breaker and the TTFT average, probes bring health
 * and load, and a stale probe stops counting.
 */
import { describe, expect, it } from "vitest";
import {
  applyOutcome,
  applyProbe,
  conditionsOf,
  newRecord,
  syncRecords,
} from "../../durable-objects/origin-monitor-state";
import type { OriginRecord } from "../../durable-objects/origin-monitor-state";

const breaker = { failureThreshold: 2, cooldownMs: 30_000 };
const origins = [
  { id: "fra1", region: "eu", url: "https://a.example.com", model: "m", weight: 1 },
  { id: "iad1", region: "us", url: "https://b.example.com", model: "m", weight: 1 },
];

describe("syncRecords", () => {
  it("keeps what is known, adds new origins and drops removed ones, in config order", () => {
    const known: OriginRecord = { ...newRecord({ id: "iad1", region: "us" }), successes: 7 };
    const gone = newRecord({ id: "old1", region: "us" });
    const records = syncRecords([gone, known], origins);
    expect(records.map((r) => r.id)).toEqual(["fra1", "iad1"]);
    expect(records[1]?.successes).toBe(7);
  });
});

describe("applyOutcome", () => {
  it("opens the breaker after the threshold of failures and remembers the last error", () => {
    let r = newRecord({ id: "fra1", region: "eu" });
    r = applyOutcome(r, { originId: "fra1", ok: false, error: "OriginHttpError 503" }, 100, breaker);
    r = applyOutcome(r, { originId: "fra1", ok: false, error: "OriginConnectError" }, 200, breaker);
    expect(r.breaker).toMatchObject({ state: "open", openedAt: 200 });
    expect(r).toMatchObject({ failures: 2, lastFailureAt: 200, lastError: "OriginConnectError" });
  });

  it("closes the breaker on a first token and keeps a moving average of the time to it", () => {
    let r = newRecord({ id: "fra1", region: "eu" });
    r = applyOutcome(r, { originId: "fra1", ok: true, ttftMs: 100 }, 0, breaker);
    r = applyOutcome(r, { originId: "fra1", ok: true, ttftMs: 600 }, 0, breaker);
    expect(r.ttftEwmaMs).toBe(200);
    expect(r).toMatchObject({ successes: 2, breaker: { state: "closed", failures: 0 } });
  });
});

describe("conditionsOf", () => {
  const probe = { at: 1000, ok: false, status: 503, latencyMs: 5, kvCacheUsage: 0.5, waiting: 2 };
  const snapshot = (records: OriginRecord[]) => ({ takenAt: 0, probeIntervalMs: 15_000, origins: records });

  it("passes a fresh probe's health and load on to routing", () => {
    const record = applyProbe(newRecord({ id: "fra1", region: "eu" }), probe);
    expect(conditionsOf(snapshot([record]), 1000 + 44_000).get("fra1")).toMatchObject({ healthy: false, kvCacheUsage: 0.5, waiting: 2 });
  });

  it("treats a probe older than three intervals as unknown", () => {
    const record = applyProbe(newRecord({ id: "fra1", region: "eu" }), probe);
    expect(conditionsOf(snapshot([record]), 1000 + 46_000).get("fra1")).toMatchObject({ healthy: undefined, kvCacheUsage: undefined });
  });

  it("keeps the breaker whatever the probe's age", () => {
    const record = { ...newRecord({ id: "fra1", region: "eu" }), breaker: { state: "open" as const, failures: 5, openedAt: 3 } };
    expect(conditionsOf(snapshot([record]), 10_000_000).get("fra1")?.breaker.state).toBe("open");
  });
});
