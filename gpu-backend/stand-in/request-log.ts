/**
 * The stand-in's memory of chat completion requests, for tests to inspect: what arrived, when its
 * first token left, how it ended. Tests wait on it (`waitFor`) instead of sleeping, so they stay
 * fast and never depend on timing.
 */
import type { RecordedRequest } from "./types";

/** A wait on the request log ran out of time. */
export class StandInWaitTimeoutError extends Error {
  override readonly name = "StandInWaitTimeoutError";
  constructor(
    readonly waitedFor: string,
    readonly timeoutMs: number,
    readonly seen: number,
  ) {
    super(`stand-in: timed out after ${timeoutMs} ms waiting for ${waitedFor} (seen ${seen})`);
  }
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

/** Records, in arrival order, with waiters woken on every change. */
export class RequestLog {
  private readonly records: RecordedRequest[] = [];
  private waiters: Waiter[] = [];

  /** Adds a new record and returns it (mutate it only through {@link update}). */
  add(record: RecordedRequest): RecordedRequest {
    this.records.push(record);
    this.notify();
    return record;
  }

  /** Changes a record and wakes waiters. */
  update(record: RecordedRequest, patch: Partial<RecordedRequest>): void {
    Object.assign(record, patch);
    this.notify();
  }

  /** Deep copies of every record, so callers cannot disturb the live ones. */
  snapshot(): RecordedRequest[] {
    return this.records.map((r) => structuredClone(r));
  }

  /** How many records there are. */
  get size(): number {
    return this.records.length;
  }

  /** How many records have an outcome other than "running". */
  get settled(): number {
    return this.records.filter((r) => r.outcome !== "running").length;
  }

  /** Resolves when `ready()` holds; rejects with {@link StandInWaitTimeoutError} after `timeoutMs`. */
  waitFor(ready: () => boolean, what: string, timeoutMs: number, seen: () => number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new StandInWaitTimeoutError(what, timeoutMs, seen()));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.ready());
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
