/**
 * Follows one answer through generate.ts and turns what happened into its metrics record.
 *
 * It supplies generate's hooks (each attempt, each outcome, each response's headers) and passes
 * attempts and outcomes on to the reporter (the OriginMonitor client: breakers and load), and
 * remembers which origin answered, through which colo, with which model, whether degraded, after
 * how many failovers and how soon the first token came. `finish` writes the record.
 */
import type { Residency } from "../chat/residency";
import type { AttemptOutcome, Candidate, GenerateArgs, GenerateEvent } from "../model/generate";
import { coloFromRay, metricsOutcome, recordAnswerMetrics } from "./answer-metrics";
import type { AnswerMetrics, MetricsSinks } from "./answer-metrics";

/** Where attempts, outcomes and finished records go (the OriginMonitor client). */
export interface TraceReporter {
  attempt(originId: string, now: number): void;
  outcome(originId: string, outcome: AttemptOutcome, now: number): void;
  answer(metrics: AnswerMetrics): void;
}

type Hooks<M> = Required<Pick<GenerateArgs<M>, "onAttempt" | "onOutcome" | "onResponse" | "onFailover">>;

export class AnswerTrace<M extends { degraded: boolean }> {
  #candidate: Candidate<M> | undefined;
  #model: string | undefined;
  #colo: string | undefined;
  #failovers = 0;
  #firstTokenAt: number | undefined;

  constructor(
    private readonly region: Residency,
    private readonly startedAt: number,
    private readonly reporter: TraceReporter,
    private readonly now: () => number = Date.now,
  ) {}

  /** generate's hooks; `onFailover` is also told (for logs). */
  hooks(onFailover?: (candidateId: string, error: unknown) => void): Hooks<M> {
    return {
      onAttempt: (candidate, model) => {
        this.#candidate = candidate;
        this.#model = model;
        this.reporter.attempt(candidate.id, this.now());
      },
      onOutcome: (candidate, outcome) => this.reporter.outcome(candidate.id, outcome, this.now()),
      onResponse: (_id, headers) => {
        this.#colo = coloFromRay(headers.get("cf-ray")) ?? this.#colo;
      },
      onFailover: (id, error) => {
        this.#failovers++;
        onFailover?.(id, error);
      },
    };
  }

  /** Notes an event of the stream (the first one is the time to first token). */
  event(event: GenerateEvent<M>): void {
    this.#candidate = event.candidate;
    this.#firstTokenAt ??= this.now();
  }

  /** The candidate that produced the answer's events, if any did. */
  get candidate(): Candidate<M> | undefined {
    return this.#candidate;
  }

  get firstTokenAt(): number | undefined {
    return this.#firstTokenAt;
  }

  /** Builds the record for `answerOutcome` (answer-job's words) and writes it everywhere. */
  finish(
    answerOutcome: string,
    usage: { promptTokens: number; completionTokens: number } | undefined,
    keys: { updateId: number; chatId: number; keptTurns?: number },
    analytics: MetricsSinks["analytics"],
  ): AnswerMetrics {
    const at = this.now();
    const metrics: AnswerMetrics = {
      at,
      region: this.region,
      origin: this.#candidate?.id,
      colo: this.#colo,
      model: this.#model,
      degraded: this.#candidate?.meta.degraded ?? false,
      failovers: this.#failovers,
      ttftMs: this.#firstTokenAt === undefined ? undefined : this.#firstTokenAt - this.startedAt,
      totalMs: at - this.startedAt,
      promptTokens: usage?.promptTokens,
      completionTokens: usage?.completionTokens,
      outcome: metricsOutcome(answerOutcome),
    };
    recordAnswerMetrics(metrics, keys, { analytics, recent: (m) => this.reporter.answer(m) });
    return metrics;
  }
}
