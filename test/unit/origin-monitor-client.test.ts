/**
 * The ChatSession side of the monitor: one snapshot per TTL (not per message), own failures
 * visible at once, reports sent before the next snapshot is read, and routing that goes on
 * when the monitor is unreachable.
 */
import { describe, expect, it } from "vitest";
import { OriginMonitorClient } from "../../durable-objects/origin-monitor-client";
import type { MonitorRpc, ReportBatch } from "../../durable-objects/origin-monitor-client";
import { newRecord } from "../../durable-objects/origin-monitor-state";
import type { OriginSnapshot } from "../../durable-objects/origin-monitor-state";

const origins = [
  { id: "fra1", region: "eu", url: "https://a.example.com", model: "m", weight: 2 },
  { id: "iad1", region: "us", url: "https://b.example.com", model: "m", weight: 1 },
];
const settings = { origins, snapshotTtlMs: 5000, probeIntervalMs: 15_000, breaker: { failureThreshold: 2, cooldownMs: 30_000 } };

class FakeMonitor implements MonitorRpc {
  snapshots = 0;
  reports: ReportBatch[] = [];
  /** Order of calls, to check that reports go out before a snapshot is read. */
  log: string[] = [];
  failing = false;
  current: OriginSnapshot = {
    takenAt: 0, probeIntervalMs: 15_000,
    origins: [
      { ...newRecord(origins[0]!), probe: { at: 0, ok: true, latencyMs: 1, kvCacheUsage: 0.5 } },
      newRecord(origins[1]!),
    ],
  };
  async snapshot(): Promise<unknown> {
    if (this.failing) throw new Error("monitor down");
    this.snapshots++;
    this.log.push("snapshot");
    return this.current;
  }
  async report(batch: ReportBatch): Promise<unknown> {
    if (this.failing) throw new Error("monitor down");
    this.reports.push(batch);
    this.log.push(`report:${batch.outcomes.length}`);
    return { status: "ok" };
  }
}

describe("OriginMonitorClient", () => {
  it("reads the snapshot once per TTL, not per message", async () => {
    const monitor = new FakeMonitor();
    const client = new OriginMonitorClient(() => monitor, settings);
    await client.conditions(1000);
    await client.conditions(3000);
    await client.conditions(5999);
    expect(monitor.snapshots).toBe(1);
    await client.conditions(6000);
    expect(monitor.snapshots).toBe(2);
  });

  it("passes the monitor's load on to routing", async () => {
    const client = new OriginMonitorClient(() => new FakeMonitor(), settings);
    expect((await client.conditions(1000)).get("fra1")).toMatchObject({ healthy: true, kvCacheUsage: 0.5 });
  });

  it("opens a breaker locally from this isolate's own failures, before the monitor answers again", async () => {
    const monitor = new FakeMonitor();
    const client = new OriginMonitorClient(() => monitor, settings);
    await client.conditions(1000);
    client.outcome("fra1", { ok: false, error: new Error("x") }, 1100);
    client.outcome("fra1", { ok: false, error: new Error("x") }, 1200);
    const conditions = await client.conditions(1300);
    expect(monitor.snapshots).toBe(1);
    expect(conditions.get("fra1")?.breaker).toMatchObject({ state: "open", openedAt: 1200 });
  });

  it("reports outcomes and answers, and sends them before it reads the next snapshot", async () => {
    const monitor = new FakeMonitor();
    const client = new OriginMonitorClient(() => monitor, { ...settings, snapshotTtlMs: 0 });
    await client.conditions(1000);
    client.outcome("iad1", { ok: true, ttftMs: 120 }, 1100);
    client.answer({ at: 1100, region: "global", origin: "iad1", degraded: false, failovers: 0, totalMs: 900, outcome: "ok" });
    await client.conditions(1200);
    expect(monitor.log).toEqual(["snapshot", "report:1", "snapshot"]);
    expect(monitor.reports.flatMap((b) => b.outcomes)).toEqual([{ originId: "iad1", ok: true, ttftMs: 120 }]);
    expect(monitor.reports.flatMap((b) => b.answers)).toHaveLength(1);
  });

  it("names the error class (never a message) in a failure report", async () => {
    const monitor = new FakeMonitor();
    const client = new OriginMonitorClient(() => monitor, settings);
    client.outcome("fra1", { ok: false, error: Object.assign(new Error("secret body"), { name: "OriginHttpError", status: 503 }) }, 1);
    await client.flush();
    expect(monitor.reports[0]?.outcomes[0]).toEqual({ originId: "fra1", ok: false, error: "OriginHttpError 503" });
  });

  it("routes on every origin as unknown when the monitor cannot be reached, and keeps its failures for later", async () => {
    const monitor = new FakeMonitor();
    monitor.failing = true;
    const errors: string[] = [];
    const client = new OriginMonitorClient(() => monitor, settings, (event) => errors.push(event));
    const conditions = await client.conditions(1000);
    expect([...conditions.keys()]).toEqual(["fra1", "iad1"]);
    expect(conditions.get("fra1")).toMatchObject({ healthy: undefined, breaker: { state: "closed" } });
    client.outcome("fra1", { ok: false, error: new Error("x") }, 1100);
    await client.flush();
    expect(errors).toContain("origin-monitor-unreachable");
    expect(errors).toContain("origin-monitor-report-failed");
    monitor.failing = false;
    await client.flush();
    expect(monitor.reports.flatMap((b) => b.outcomes).map((o) => o.originId)).toEqual(["fra1"]);
  });

  it("marks a half-open breaker's trial so this isolate sends only one", async () => {
    const monitor = new FakeMonitor();
    monitor.current = { ...monitor.current, origins: [{ ...newRecord(origins[0]!), breaker: { state: "open", failures: 2, openedAt: 0 } }, newRecord(origins[1]!)] };
    const client = new OriginMonitorClient(() => monitor, settings);
    expect((await client.conditions(40_000)).get("fra1")?.breaker.state).toBe("open");
    client.attempt("fra1", 40_000);
    expect((await client.conditions(40_001)).get("fra1")?.breaker).toMatchObject({ state: "half-open", trialAt: 40_000 });
  });
});
