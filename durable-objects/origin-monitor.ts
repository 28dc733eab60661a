/**
 * OriginMonitor: one Durable Object for the whole bot (`origin-monitor`, in the EU jurisdiction
 * like the chats) that knows how every GPU origin is doing, so no chat has to find out by itself.
 *
 * - Its alarm probes every origin's /health every ORIGIN_PROBE_INTERVAL_SECONDS (health and load,
 *   see origin-monitor-probe.ts) while the bot is in use, and stops after ten idle minutes; the
 *   next call starts it again.
 * - ChatSessions report each attempt's outcome (first token or failure, time to first token);
 *   those drive the circuit breakers (worker/model/circuit-breaker.ts). They also report each
 *   answer's metrics, kept in a small in-memory ring for `GET /health?verbose=1`.
 * - ChatSessions read `snapshot()` and cache it for a few seconds (origin-monitor-client.ts).
 *
 * One object is plenty: it takes one probe per origin per interval and one small RPC per answer
 * (about 1,000 requests/s fit one object). Records are persisted on every change of breaker
 * state and after every probe round, so an evicted monitor comes back knowing which origin is out.
 *
 * RPC inputs are validated with zod (any Worker code can call a stub); a malformed report is
 * answered `{ status: "rejected" }`.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { Env } from "../worker/env";
import { loadConfig } from "../worker/config";
import type { Config } from "../worker/config";
import { logEvent } from "../worker/lib/log";
import type { AnswerMetrics } from "../worker/observability/answer-metrics";
import { probeOrigin } from "./origin-monitor-probe";
import {
  AnswerMetricsSchema,
  applyOutcome,
  applyProbe,
  OriginRecordSchema,
  OutcomeReportSchema,
  syncRecords,
} from "./origin-monitor-state";
import type { OriginRecord, OriginSnapshot } from "./origin-monitor-state";

/** Probing stops when nobody asked for a snapshot or reported for this long. */
export const IDLE_STOP_MS = 10 * 60_000;
/** Recent answers kept for /health?verbose=1. */
export const RECENT_ANSWERS = 100;

const RECORDS_KEY = "records";
const ACTIVITY_KEY = "last-activity";

const ReportSchema = z.object({
  outcomes: z.array(OutcomeReportSchema).max(1000),
  answers: z.array(AnswerMetricsSchema).max(1000),
});

export type Rejected = { status: "rejected"; reason: string };

/** What `GET /health?verbose=1` shows. */
export interface MonitorOverview {
  snapshot: OriginSnapshot;
  recent: AnswerMetrics[];
  probing: boolean;
}

export class OriginMonitor extends DurableObject<Env> {
  #records: OriginRecord[];
  #recent: AnswerMetrics[] = [];
  #lastActivityAt: number;
  #alarmKnown = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const stored = z.array(OriginRecordSchema).safeParse(ctx.storage.kv.get(RECORDS_KEY));
    this.#records = stored.success ? stored.data : [];
    const activity = ctx.storage.kv.get(ACTIVITY_KEY);
    this.#lastActivityAt = typeof activity === "number" ? activity : 0;
  }

  private get config(): Config {
    return loadConfig(this.env);
  }

  /** Every configured origin's record, for routing. Starts the probes if they were idle. */
  async snapshot(): Promise<OriginSnapshot> {
    const now = Date.now();
    await this.#touch(now);
    return this.#snapshot(now);
  }

  /** Outcomes and answer metrics from a ChatSession. */
  async report(input: unknown): Promise<{ status: "ok"; applied: number } | Rejected> {
    const parsed = ReportSchema.safeParse(input);
    if (!parsed.success) return { status: "rejected", reason: parsed.error.issues[0]?.message ?? "invalid" };
    const now = Date.now();
    const breaker = this.config.routing.breaker;
    let records = this.#current();
    let breakerChanged = false;
    for (const outcome of parsed.data.outcomes) {
      records = records.map((record) => {
        if (record.id !== outcome.originId) return record;
        const next = applyOutcome(record, outcome, now, breaker);
        if (next.breaker.state !== record.breaker.state) {
          breakerChanged = true;
          logEvent({ event: "origin-breaker", origin: record.id, from: record.breaker.state, to: next.breaker.state, failures: next.breaker.failures });
        }
        return next;
      });
    }
    this.#records = records;
    if (breakerChanged) this.#persist();
    this.#recent = [...this.#recent, ...parsed.data.answers].slice(-RECENT_ANSWERS);
    await this.#touch(now);
    return { status: "ok", applied: parsed.data.outcomes.length };
  }

  /** The snapshot and the recent answers (no chat or update ids), for operators. Starts probing too. */
  async overview(): Promise<MonitorOverview> {
    const now = Date.now();
    await this.#touch(now);
    return { snapshot: this.#snapshot(now), recent: [...this.#recent], probing: (await this.ctx.storage.getAlarm()) !== null };
  }

  /** Forgets every origin's state and the recent answers (operators after a fix; tests). */
  async reset(): Promise<void> {
    this.#records = syncRecords([], this.config.origins);
    this.#recent = [];
    this.#persist();
  }

  /** One probe round, then the next one while the bot is in use. */
  override async alarm(): Promise<void> {
    const config = this.config;
    const results = await Promise.all(config.origins.map(async (origin) => {
      const credentials = config.originCredentials.get(origin.id);
      const headers: Record<string, string> = {};
      if (credentials?.accessClientId) headers["cf-access-client-id"] = credentials.accessClientId;
      if (credentials?.accessClientSecret) headers["cf-access-client-secret"] = credentials.accessClientSecret;
      return { id: origin.id, probe: await probeOrigin({ url: origin.url, headers, timeoutMs: config.routing.probeTimeoutMs }) };
    }));
    // Read the records after the awaits: reports may have changed them meanwhile.
    this.#records = this.#current().map((record) => {
      const result = results.find((r) => r.id === record.id);
      if (!result) return record;
      if (record.probe?.ok !== result.probe.ok) {
        logEvent({ event: "origin-health", origin: record.id, healthy: result.probe.ok, status: result.probe.status, error: result.probe.error });
      }
      return applyProbe(record, result.probe);
    });
    this.#persist();
    const now = Date.now();
    if (now - this.#lastActivityAt <= IDLE_STOP_MS) {
      await this.ctx.storage.setAlarm(now + config.routing.probeIntervalMs);
      this.#alarmKnown = true;
    } else {
      this.#alarmKnown = false; // idle: the next snapshot() or report() starts probing again
    }
  }

  #current(): OriginRecord[] {
    return syncRecords(this.#records, this.config.origins);
  }

  #snapshot(now: number): OriginSnapshot {
    return { takenAt: now, probeIntervalMs: this.config.routing.probeIntervalMs, origins: this.#current() };
  }

  #persist(): void {
    this.ctx.storage.kv.put(RECORDS_KEY, this.#records);
  }

  /** Notes activity (persisted at most once a minute) and makes sure the probes run. */
  async #touch(now: number): Promise<void> {
    if (now - this.#lastActivityAt > 60_000) this.ctx.storage.kv.put(ACTIVITY_KEY, now);
    this.#lastActivityAt = now;
    if (this.#alarmKnown) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now);
    this.#alarmKnown = true;
  }
}
