/**
 * What the OriginMonitor knows about each origin, and the pure folds that update it.
 *
 * Two sources feed it: the monitor's own /health probe every few seconds (health and load), and
 * what ChatSessions report after each attempt (first token or failure, time to first token),
 * which drives the circuit breaker. ChatSessions apply the same folds to their cached copy, so a
 * chat sees its own failures at once and everyone else's within the snapshot TTL.
 *
 * Everything here is plain JSON (it crosses RPC and is persisted) and validated with zod where it
 * comes in. Pure: time is an argument.
 */
import { z } from "zod";
import type { OriginConfig } from "../worker/config";
import { breakerFailure, breakerSuccess, closedBreaker } from "../worker/model/circuit-breaker";
import type { BreakerOptions } from "../worker/model/circuit-breaker";
import type { OriginCondition } from "../worker/model/origin-router";
import type { AnswerMetrics } from "../worker/observability/answer-metrics";

/** A probe older than this many intervals is stale: routing treats the origin's health as unknown. */
export const PROBE_FRESH_INTERVALS = 3;

/** Weight of the newest time to first token in the moving average. */
const TTFT_EWMA_ALPHA = 0.2;

const BreakerSchema = z.object({
  state: z.enum(["closed", "open", "half-open"]),
  failures: z.number().int().min(0),
  openedAt: z.number().optional(),
  trialAt: z.number().optional(),
});

export const ProbeResultSchema = z.object({
  at: z.number(),
  ok: z.boolean(),
  /** HTTP status, absent when no response came. */
  status: z.number().int().optional(),
  /** Why it failed: "timeout", "connect", "http-503"… */
  error: z.string().max(200).optional(),
  latencyMs: z.number().min(0),
  kvCacheUsage: z.number().min(0).max(1).optional(),
  waiting: z.number().int().min(0).optional(),
  running: z.number().int().min(0).optional(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

export const OriginRecordSchema = z.object({
  id: z.string(),
  region: z.string(),
  probe: ProbeResultSchema.optional(),
  breaker: BreakerSchema,
  /** Attempts that reached a first token, and transient failures before one, since the last reset. */
  successes: z.number().int().min(0),
  failures: z.number().int().min(0),
  ttftEwmaMs: z.number().min(0).optional(),
  lastFailureAt: z.number().optional(),
  lastError: z.string().max(200).optional(),
});
export type OriginRecord = z.infer<typeof OriginRecordSchema>;

export const OriginSnapshotSchema = z.object({
  takenAt: z.number(),
  probeIntervalMs: z.number().positive(),
  origins: z.array(OriginRecordSchema),
});
export type OriginSnapshot = z.infer<typeof OriginSnapshotSchema>;

/** One attempt's outcome as a ChatSession reports it. */
export const OutcomeReportSchema = z.object({
  originId: z.string().min(1).max(64),
  ok: z.boolean(),
  ttftMs: z.number().min(0).optional(),
  /** The error's name, for operators ("OriginHttpError 503"). */
  error: z.string().max(200).optional(),
});
export type OutcomeReport = z.infer<typeof OutcomeReportSchema>;

/** A new record for an origin nobody has heard of yet. */
export function newRecord(origin: Pick<OriginConfig, "id" | "region">): OriginRecord {
  return { id: origin.id, region: origin.region, breaker: closedBreaker(), successes: 0, failures: 0 };
}

/** The records for the configured origins, in config order: kept where known, new otherwise. */
export function syncRecords(records: readonly OriginRecord[], origins: readonly OriginConfig[]): OriginRecord[] {
  const known = new Map(records.map((r) => [r.id, r]));
  return origins.map((o) => {
    const record = known.get(o.id);
    return record ? { ...record, region: o.region } : newRecord(o);
  });
}

/** Folds a probe result in. */
export function applyProbe(record: OriginRecord, probe: ProbeResult): OriginRecord {
  return { ...record, probe };
}

/** Folds one attempt's outcome in: breaker, counters, moving TTFT average. */
export function applyOutcome(record: OriginRecord, outcome: OutcomeReport, now: number, breaker: BreakerOptions): OriginRecord {
  if (outcome.ok) {
    const ttft = outcome.ttftMs;
    const ttftEwmaMs = ttft === undefined ? record.ttftEwmaMs
      : record.ttftEwmaMs === undefined ? ttft
      : record.ttftEwmaMs + TTFT_EWMA_ALPHA * (ttft - record.ttftEwmaMs);
    return { ...record, breaker: breakerSuccess(record.breaker), successes: record.successes + 1, ttftEwmaMs };
  }
  return {
    ...record,
    breaker: breakerFailure(record.breaker, now, breaker),
    failures: record.failures + 1,
    lastFailureAt: now,
    lastError: outcome.error,
  };
}

/** Whether a probe is recent enough to act on. */
export function probeIsFresh(probe: ProbeResult | undefined, now: number, probeIntervalMs: number): probe is ProbeResult {
  return probe !== undefined && now - probe.at <= PROBE_FRESH_INTERVALS * probeIntervalMs;
}

/** What routing needs per origin (worker/model/origin-router.ts). Stale probes count as unknown. */
export function conditionsOf(snapshot: OriginSnapshot, now: number): Map<string, OriginCondition> {
  const conditions = new Map<string, OriginCondition>();
  for (const record of snapshot.origins) {
    const probe = probeIsFresh(record.probe, now, snapshot.probeIntervalMs) ? record.probe : undefined;
    conditions.set(record.id, {
      healthy: probe?.ok,
      breaker: record.breaker,
      kvCacheUsage: probe?.kvCacheUsage,
      waiting: probe?.waiting,
    });
  }
  return conditions;
}

/** An answer's metrics as reported to the monitor (worker/observability/answer-metrics.ts). */
export const AnswerMetricsSchema = z.object({
  at: z.number(),
  region: z.enum(["eu", "global"]),
  origin: z.string().max(64).optional(),
  colo: z.string().max(8).optional(),
  model: z.string().max(200).optional(),
  degraded: z.boolean(),
  failovers: z.number().int().min(0),
  ttftMs: z.number().min(0).optional(),
  totalMs: z.number().min(0),
  promptTokens: z.number().int().min(0).optional(),
  completionTokens: z.number().int().min(0).optional(),
  outcome: z.enum(["ok", "stopped", "limited", "refused", "origin-error", "telegram-error"]),
}) satisfies z.ZodType<AnswerMetrics>;
