/**
 * When an origin counts as under pressure, what a degraded request may spend, and how loads
 * compare across origins of different weights.
 */
import { describe, expect, it } from "vitest";
import { degradedBudget, loadScore, underPressure } from "../../worker/model/degrade";

const settings = { kvCacheThreshold: 0.9, waitingThreshold: 10, contextTokenBudget: 2000, maxOutputTokens: 768 };

describe("underPressure", () => {
  it("is true from 90% KV-cache use, the design document's memory threshold", () => {
    expect(underPressure({ kvCacheUsage: 0.9 }, settings)).toBe(true);
    expect(underPressure({ kvCacheUsage: 0.95, waiting: 0 }, settings)).toBe(true);
    expect(underPressure({ kvCacheUsage: 0.89 }, settings)).toBe(false);
  });

  it("is true when the queue reaches the waiting threshold, whatever the cache says", () => {
    expect(underPressure({ kvCacheUsage: 0.2, waiting: 10 }, settings)).toBe(true);
    expect(underPressure({ waiting: 9 }, settings)).toBe(false);
  });

  it("treats unknown load (a plain vLLM /health, no probe yet) as no pressure", () => {
    expect(underPressure(undefined, settings)).toBe(false);
    expect(underPressure({}, settings)).toBe(false);
  });
});

describe("degradedBudget", () => {
  it("lowers the context budget and max_tokens and asks for low reasoning", () => {
    expect(degradedBudget({ contextTokenBudget: 6000, maxOutputTokens: 2048, reasoningEffort: "high" }, settings))
      .toEqual({ contextTokenBudget: 2000, maxOutputTokens: 768, reasoningEffort: "low" });
  });

  it("never raises a budget that is already below the degraded one", () => {
    expect(degradedBudget({ contextTokenBudget: 1000, maxOutputTokens: 300, reasoningEffort: "medium" }, settings))
      .toEqual({ contextTokenBudget: 1000, maxOutputTokens: 300, reasoningEffort: "low" });
  });
});

describe("loadScore", () => {
  it("adds KV-cache use and the queue as a share of the threshold", () => {
    expect(loadScore({ kvCacheUsage: 0.5, waiting: 5 }, 1, settings)).toBeCloseTo(1.0);
  });

  it("divides by weight: a bigger origin at the same load scores lower", () => {
    expect(loadScore({ kvCacheUsage: 0.6 }, 2, settings)).toBeLessThan(loadScore({ kvCacheUsage: 0.4 }, 1, settings));
  });

  it("counts unknown load as idle", () => {
    expect(loadScore(undefined, 1, settings)).toBe(0);
  });
});
