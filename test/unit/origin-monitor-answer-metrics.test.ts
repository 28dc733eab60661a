/**
 * Answer metrics: the outcome words, the colo from `cf-ray`, the Analytics Engine column layout
 * (no chat or user ids), and the trace that follows one answer through generate's hooks.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  analyticsDataPoint,
  coloFromRay,
  metricsOutcome,
  recordAnswerMetrics,
} from "../../worker/observability/answer-metrics";
import type { AnswerMetrics } from "../../worker/observability/answer-metrics";
import { AnswerTrace } from "../../worker/observability/answer-trace";
import type { TraceReporter } from "../../worker/observability/answer-trace";
import type { Candidate } from "../../worker/model/generate";

const metrics: AnswerMetrics = {
  at: 1, region: "eu", origin: "fra1", colo: "FRA", model: "openai/gpt-oss-20b", degraded: true, failovers: 1,
  ttftMs: 240, totalMs: 3100, promptTokens: 50, completionTokens: 400, outcome: "ok",
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("answer metrics", () => {
  it.each([
    ["answered", "ok"], ["stopped", "stopped"], ["limited", "limited"], ["origin-error", "origin-error"],
    ["empty-answer", "origin-error"], ["telegram-error", "telegram-error"], ["moderated-output", "refused"], ["too-long", "refused"],
  ])("maps %s to %s", (answer, expected) => {
    expect(metricsOutcome(answer)).toBe(expected);
  });

  it("reads the colo from cf-ray", () => {
    expect(coloFromRay("8f1c2a3b4c5d6e7f-FRA")).toBe("FRA");
    expect(coloFromRay(null)).toBeUndefined();
    expect(coloFromRay("garbage")).toBeUndefined();
  });

  it("lays out the data point as the monitoring SQL expects", () => {
    expect(analyticsDataPoint(metrics)).toEqual({
      indexes: ["fra1"],
      blobs: ["eu", "fra1", "FRA", "ok", "openai/gpt-oss-20b", "degraded"],
      doubles: [240, 3100, 50, 400, 1, 1],
    });
  });

  it("marks a missing time to first token instead of writing a fake zero latency", () => {
    const point = analyticsDataPoint({ ...metrics, ttftMs: undefined, origin: undefined, outcome: "origin-error" });
    expect(point.doubles?.[5]).toBe(0);
    expect(point.indexes).toEqual(["none"]);
  });

  it("logs the record keyed by update and chat, and keeps the ids out of Analytics Engine", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const written: AnalyticsEngineDataPoint[] = [];
    recordAnswerMetrics(metrics, { updateId: 7, chatId: 99 }, { analytics: { writeDataPoint: (p) => written.push(p ?? {}) } });
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ event: "answer-metrics", updateId: 7, chatId: 99, origin: "fra1", ttftMs: 240, outcome: "ok" });
    expect(JSON.stringify(written)).not.toContain("99");
  });

  it("never fails an answer because Analytics Engine threw", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const recent: AnswerMetrics[] = [];
    expect(() => recordAnswerMetrics(metrics, { updateId: 1, chatId: 1 }, {
      analytics: { writeDataPoint: () => { throw new Error("quota"); } },
      recent: (m) => recent.push(m),
    })).not.toThrow();
    expect(recent).toHaveLength(1);
  });
});

describe("AnswerTrace", () => {
  const candidate = (id: string, degraded: boolean): Candidate<{ degraded: boolean }> => ({
    id, url: "", headers: {}, model: "m", baseModel: "m", request: { messages: [], max_tokens: 1, reasoning_effort: "low" }, meta: { degraded },
  });

  it("turns the hooks and events of one answer into its record, and reports along the way", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const seen: string[] = [];
    const reporter: TraceReporter = {
      attempt: (id) => seen.push(`attempt:${id}`),
      outcome: (id, o) => seen.push(`outcome:${id}:${o.ok}`),
      answer: (m) => seen.push(`answer:${m.outcome}`),
    };
    let clock = 1000;
    const trace = new AnswerTrace<{ degraded: boolean }>("global", 1000, reporter, () => clock);
    const hooks = trace.hooks();
    const fra1 = candidate("fra1", false);
    const iad1 = candidate("iad1", true);
    hooks.onAttempt(fra1, "m");
    hooks.onOutcome(fra1, { ok: false, error: new Error("503") });
    hooks.onFailover("fra1", new Error("503"));
    hooks.onAttempt(iad1, "m-base");
    hooks.onResponse("iad1", new Headers({ "cf-ray": "abc123-AMS" }));
    clock = 1300;
    hooks.onOutcome(iad1, { ok: true, ttftMs: 300 });
    trace.event({ type: "content", text: "hi", originId: "iad1", candidate: iad1 });
    clock = 2000;
    const m = trace.finish("answered", { promptTokens: 5, completionTokens: 6 }, { updateId: 1, chatId: 2 }, undefined);
    expect(m).toEqual({
      at: 2000, region: "global", origin: "iad1", colo: "AMS", model: "m-base", degraded: true, failovers: 1,
      ttftMs: 300, totalMs: 1000, promptTokens: 5, completionTokens: 6, outcome: "ok",
    });
    expect(seen).toEqual(["attempt:fra1", "outcome:fra1:false", "attempt:iad1", "outcome:iad1:true", "answer:ok"]);
  });
});
