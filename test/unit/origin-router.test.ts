/**
 * Route planning: residency first (an EU chat only ever sees EU origins, under every failure),
 * then breakers, health and load. Property tests check the EU rule over random conditions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OriginConfig } from "../../worker/config";
import { closedBreaker } from "../../worker/model/circuit-breaker";
import type { BreakerState } from "../../worker/model/circuit-breaker";
import { allowedOrigins, planRoute } from "../../worker/model/origin-router";
import type { OriginCondition, RouteInput } from "../../worker/model/origin-router";

const origin = (id: string, region: string, weight = 1): OriginConfig => ({
  id, region, weight, url: `https://${id}.example.com`, model: "openai/gpt-oss-20b",
});
const fra1 = origin("fra1", "eu", 2);
const ams1 = origin("ams1", "eu");
const iad1 = origin("iad1", "us");
const sjc1 = origin("sjc1", "us");
const ORIGINS = [iad1, fra1, sjc1, ams1];

const breaker = { failureThreshold: 3, cooldownMs: 30_000 };
const degrade = { kvCacheThreshold: 0.9, waitingThreshold: 10 };
const NOW = 1_000_000;
const openBreaker: BreakerState = { state: "open", failures: 3, openedAt: NOW - 1000 };

function plan(residency: "eu" | "global", conditions: Record<string, Partial<OriginCondition>> = {}, origins = ORIGINS) {
  const map = new Map(Object.entries(conditions).map(([id, c]) => [id, { healthy: undefined, breaker: closedBreaker(), ...c }]));
  const input: RouteInput = { origins, residency, conditions: map, now: NOW, breaker, degrade };
  return planRoute(input);
}
const ids = (p: ReturnType<typeof plan>) => p.candidates.map((c) => c.origin.id);

describe("allowedOrigins", () => {
  it("gives an EU chat only EU origins, the heavier first", () => {
    expect(allowedOrigins(ORIGINS, "eu").map((o) => o.id)).toEqual(["fra1", "ams1"]);
  });

  it("gives other chats every origin, EU first", () => {
    expect(allowedOrigins(ORIGINS, "global").map((o) => o.id)).toEqual(["fra1", "ams1", "iad1", "sjc1"]);
  });
});

describe("planRoute", () => {
  it("tries Frankfurt first for every chat when nothing is known", () => {
    expect(ids(plan("global"))).toEqual(["fra1", "ams1", "iad1", "sjc1"]);
    expect(ids(plan("eu"))).toEqual(["fra1", "ams1"]);
  });

  it("skips an origin whose breaker is open, and says why", () => {
    const p = plan("global", { fra1: { breaker: openBreaker } });
    expect(ids(p)).toEqual(["ams1", "iad1", "sjc1"]);
    expect(p.skipped).toEqual([{ id: "fra1", reason: "breaker-open" }]);
  });

  it("tries an origin again once its breaker is half-open, as the trial", () => {
    const cooled: BreakerState = { state: "open", failures: 3, openedAt: NOW - 30_000 };
    const p = plan("global", { fra1: { breaker: cooled } });
    expect(p.candidates[0]).toMatchObject({ origin: { id: "fra1" }, phase: "half-open" });
  });

  it("skips an origin a fresh probe found unhealthy", () => {
    const p = plan("global", { fra1: { healthy: false } });
    expect(ids(p)).toEqual(["ams1", "iad1", "sjc1"]);
    expect(p.skipped).toEqual([{ id: "fra1", reason: "unhealthy" }]);
  });

  it("leaves an EU chat with nothing when every EU origin is out, rather than going abroad", () => {
    const p = plan("eu", { fra1: { breaker: openBreaker }, ams1: { healthy: false } });
    expect(p.candidates).toEqual([]);
    expect(p.skipped.map((s) => s.id).sort()).toEqual(["ams1", "fra1"]);
  });

  it("orders an origin under pressure last and marks it degraded, so non-EU chats spill abroad first", () => {
    const p = plan("global", { fra1: { kvCacheUsage: 0.95 }, ams1: { waiting: 40 } });
    expect(ids(p)).toEqual(["iad1", "sjc1", "fra1", "ams1"]);
    expect(p.candidates.filter((c) => c.degraded).map((c) => c.origin.id)).toEqual(["fra1", "ams1"]);
  });

  it("keeps an EU chat on its degraded EU origin, degraded", () => {
    const p = plan("eu", { fra1: { kvCacheUsage: 0.95 } }, [fra1, iad1]);
    expect(p.candidates).toEqual([expect.objectContaining({ origin: fra1, degraded: true })]);
  });

  it("picks the least loaded of one region for its weight", () => {
    const p = plan("global", { iad1: { kvCacheUsage: 0.7 }, sjc1: { kvCacheUsage: 0.1 } });
    expect(ids(p)).toEqual(["fra1", "ams1", "sjc1", "iad1"]);
  });

  it("never plans a non-EU origin for an EU chat, whatever the conditions", () => {
    const condition = fc.record({
      healthy: fc.constantFrom(true, false, undefined),
      breaker: fc.constantFrom(closedBreaker(), openBreaker, { state: "open", failures: 9, openedAt: 0 } as BreakerState),
      kvCacheUsage: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      waiting: fc.option(fc.nat(100), { nil: undefined }),
    });
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("fra1", "ams1", "iad1", "sjc1"), condition), (conditions) => {
      const p = plan("eu", conditions);
      expect(p.candidates.every((c) => c.origin.region === "eu")).toBe(true);
    }));
  });
});
