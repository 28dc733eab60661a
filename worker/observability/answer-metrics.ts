/**
 * One record per answered message: where it went and how it went, for latency and error-rate
 * monitoring at the edge (docs/operations-monitoring.md has the queries).
 *
 * Three places see the same record:
 * - a structured log line `{"event":"answer-metrics", "updateId", "chatId", ...}` (Workers Logs,
 *   `wrangler tail`, and the terminal locally), never with message text;
 * - Workers Analytics Engine, when the ANALYTICS binding exists (staging and production). The data
 *   point carries no chat or user id: Analytics Engine is not bound to a jurisdiction, and latency
 *   monitoring needs none;
 * - the OriginMonitor's in-memory ring of recent answers, shown by `GET /health?verbose=1`.
 * Pure, except `recordAnswerMetrics`, which writes to the sinks it is given.
 */
import type { Residency } from "../chat/residency";
import { logEvent } from "../lib/log";

/** How an answered message ended, in the monitoring's coarse terms. */
export type MetricsOutcome = "ok" | "stopped" | "limited" | "refused" | "origin-error" | "telegram-error";

/** One answered message. Times in ms; `at` is epoch ms. */
export interface AnswerMetrics {
  at: number;
  region: Residency;
  /** The origin that answered (or the last one tried); "workers-ai" for the fallback. */
  origin?: string | undefined;
  /** The Cloudflare colo that reached the origin, from the origin response's `cf-ray`. */
  colo?: string | undefined;
  model?: string | undefined;
  degraded: boolean;
  /** Origins abandoned before the one that answered. */
  failovers: number;
  ttftMs?: number | undefined;
  totalMs: number;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  outcome: MetricsOutcome;
}

/** Maps answer-job's outcomes ("answered", "moderated-input", …) to the monitoring's. */
export function metricsOutcome(answerOutcome: string): MetricsOutcome {
  switch (answerOutcome) {
    case "answered":
      return "ok";
    case "stopped":
      return "stopped";
    case "limited":
      return "limited";
    case "origin-error":
    case "empty-answer":
      return "origin-error";
    case "telegram-error":
      return "telegram-error";
    default:
      return "refused"; // too long, moderated: answered by the bot without (or despite) the model
  }
}

/** The colo in a `cf-ray` header value (`8f1c2a3b4c5d6e7f-FRA` → `FRA`). */
export function coloFromRay(ray: string | null | undefined): string | undefined {
  const match = /-([A-Z]{3})$/.exec(ray?.trim() ?? "");
  return match?.[1];
}

/**
 * The Analytics Engine data point. Column layout (the SQL in docs/operations-monitoring.md
 * depends on it; append new columns, never reorder):
 * - index1: origin id ("none" when no origin was asked)
 * - blob1 region, blob2 origin, blob3 colo, blob4 outcome, blob5 model, blob6 "degraded"|"normal"
 * - double1 ttft ms (0 when no token came), double2 total ms, double3 prompt tokens,
 *   double4 completion tokens, double5 failovers, double6 1 when double1 is a real TTFT
 */
export function analyticsDataPoint(m: AnswerMetrics): AnalyticsEngineDataPoint {
  return {
    indexes: [m.origin ?? "none"],
    blobs: [m.region, m.origin ?? "", m.colo ?? "", m.outcome, m.model ?? "", m.degraded ? "degraded" : "normal"],
    doubles: [
      m.ttftMs ?? 0,
      m.totalMs,
      m.promptTokens ?? 0,
      m.completionTokens ?? 0,
      m.failovers,
      m.ttftMs === undefined ? 0 : 1,
    ],
  };
}

/** Where a record goes. Both optional: a local run has no Analytics Engine. */
export interface MetricsSinks {
  analytics?: AnalyticsEngineDataset | undefined;
  /** The monitor's ring of recent answers (fire and forget). */
  recent?: ((m: AnswerMetrics) => void) | undefined;
}

/**
 * Writes one record to the log, Analytics Engine and the recent-answers ring. The log line is keyed
 * by update and chat; the other two carry no identifiers. Never throws.
 */
export function recordAnswerMetrics(
  m: AnswerMetrics,
  keys: { updateId: number; chatId: number; keptTurns?: number },
  sinks: MetricsSinks,
): void {
  logEvent({ event: "answer-metrics", ...keys, ...m });
  try {
    sinks.analytics?.writeDataPoint(analyticsDataPoint(m));
  } catch {
    // Analytics must never fail an answer; the log line above still has the record.
  }
  sinks.recent?.(m);
}
