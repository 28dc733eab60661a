/**
 * The ChatSession side of the OriginMonitor: a cached snapshot for routing, and reports back.
 *
 * Routing must not cost a round trip per message, so the snapshot is read over RPC at most once
 * per `snapshotTtlMs` and kept in memory (one client per isolate, shared by the chats it runs).
 * What this isolate learns itself (an origin failed, a trial went out) is folded into the cached
 * copy at once with the monitor's own functions, and queued for the monitor. Reports are fire and
 * forget, batched while one is in flight, and always sent before the next snapshot is read, so a
 * fresh snapshot includes this isolate's own reports.
 *
 * When the monitor cannot be reached, routing goes on with what is cached (or with every origin
 * unknown, which means "try them"), and the local breakers still work.
 */
import type { OriginConfig } from "../worker/config";
import { breakerAttempt } from "../worker/model/circuit-breaker";
import type { BreakerOptions } from "../worker/model/circuit-breaker";
import type { AttemptOutcome } from "../worker/model/generate";
import type { OriginCondition } from "../worker/model/origin-router";
import type { AnswerMetrics } from "../worker/observability/answer-metrics";
import { applyOutcome, conditionsOf, OriginSnapshotSchema, syncRecords } from "./origin-monitor-state";
import type { OriginSnapshot, OutcomeReport } from "./origin-monitor-state";

/** What one report carries. */
export interface ReportBatch {
  outcomes: OutcomeReport[];
  answers: AnswerMetrics[];
}

/** The two RPC methods of the OriginMonitor the client uses. */
export interface MonitorRpc {
  snapshot(): Promise<unknown>;
  report(batch: ReportBatch): Promise<unknown>;
}

export interface ClientSettings {
  origins: readonly OriginConfig[];
  snapshotTtlMs: number;
  probeIntervalMs: number;
  breaker: BreakerOptions;
}

/** At most this many queued reports are kept while the monitor is unreachable. */
const MAX_QUEUED = 500;

/** An error's name and status for the monitor's "last error" (never a message body). */
function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = "status" in error && typeof error.status === "number" ? ` ${error.status}` : "";
    return `${error.name}${status}`.slice(0, 200);
  }
  return "unknown";
}

export class OriginMonitorClient {
  #cache: { snapshot: OriginSnapshot; fetchedAt: number } | undefined;
  #outcomes: OutcomeReport[] = [];
  #answers: AnswerMetrics[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly rpc: () => MonitorRpc,
    private readonly settings: ClientSettings,
    private readonly onError: (event: string, error: unknown) => void = () => {},
  ) {}

  /** Each origin's condition for routing at `now`, from a snapshot at most `snapshotTtlMs` old. */
  async conditions(now: number): Promise<Map<string, OriginCondition>> {
    if (this.#cache === undefined || now - this.#cache.fetchedAt >= this.settings.snapshotTtlMs) await this.#refresh(now);
    return conditionsOf(this.#snapshot(now), now);
  }

  /** A request is about to go to `originId` (marks a half-open breaker's trial locally). */
  attempt(originId: string, now: number): void {
    this.#update(originId, now, (record) => ({ ...record, breaker: breakerAttempt(record.breaker, now, this.settings.breaker) }));
  }

  /** An attempt's outcome: folded in locally at once, and reported to the monitor. */
  outcome(originId: string, outcome: AttemptOutcome, now: number): void {
    const report: OutcomeReport = outcome.ok
      ? { originId, ok: true, ttftMs: Math.max(0, outcome.ttftMs) }
      : { originId, ok: false, error: describeError(outcome.error) };
    this.#update(originId, now, (record) => applyOutcome(record, report, now, this.settings.breaker));
    this.#outcomes.push(report);
    void this.flush();
  }

  /** An answered message's metrics, for the monitor's ring of recent answers. */
  answer(metrics: AnswerMetrics): void {
    this.#answers.push(metrics);
    void this.flush();
  }

  /** Sends what is queued. Resolves when everything queued so far was sent (or failed). */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#send());
    return this.#chain;
  }

  async #send(): Promise<void> {
    if (this.#outcomes.length === 0 && this.#answers.length === 0) return;
    const batch: ReportBatch = { outcomes: this.#outcomes, answers: this.#answers };
    this.#outcomes = [];
    this.#answers = [];
    try {
      await this.rpc().report(batch);
    } catch (error) {
      this.onError("origin-monitor-report-failed", error);
      // Keep the newest few for the next try; breaker state was already applied locally.
      this.#outcomes = [...batch.outcomes, ...this.#outcomes].slice(-MAX_QUEUED);
    }
  }

  async #refresh(now: number): Promise<void> {
    await this.flush();
    try {
      const parsed = OriginSnapshotSchema.safeParse(await this.rpc().snapshot());
      if (!parsed.success) throw new TypeError(`malformed snapshot: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      this.#cache = { snapshot: parsed.data, fetchedAt: now };
    } catch (error) {
      this.onError("origin-monitor-unreachable", error);
      // Try again after another TTL; meanwhile route on what is known.
      this.#cache = { snapshot: this.#snapshot(now), fetchedAt: now };
    }
  }

  /** The cached snapshot, limited to (and completed with) the configured origins. */
  #snapshot(now: number): OriginSnapshot {
    const cached = this.#cache?.snapshot;
    return {
      takenAt: cached?.takenAt ?? now,
      probeIntervalMs: cached?.probeIntervalMs ?? this.settings.probeIntervalMs,
      origins: syncRecords(cached?.origins ?? [], this.settings.origins),
    };
  }

  #update(originId: string, now: number, change: (record: OriginSnapshot["origins"][number]) => OriginSnapshot["origins"][number]): void {
    const snapshot = this.#snapshot(now);
    const origins = snapshot.origins.map((r) => (r.id === originId ? change(r) : r));
    this.#cache = { snapshot: { ...snapshot, origins }, fetchedAt: this.#cache?.fetchedAt ?? Number.NEGATIVE_INFINITY };
  }
}
