/**
 * Pending updates: one global, gapless `update_id` sequence, the `allowed_updates` filter, and
 * `getUpdates` with Telegram's semantics (an `offset` confirms everything before it, `timeout`
 * long-polls, a second concurrent poll ends the first with 409).
 *
 * The webhook deliverer reads the same queue; an update leaves it once a webhook answered 2xx or
 * a later `getUpdates` offset confirmed it.
 */
import { BotApiError } from "./errors";

export interface QueuedUpdate {
  updateId: number;
  /** Updates with the same key are delivered one at a time, in order (usually `chat:<id>`). */
  orderKey: string;
  body: unknown;
  createdMs: number;
}

/** Telegram leaves these out unless `allowed_updates` names them. */
const OPT_IN_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** The update's kind: its first field other than `update_id`. */
export function updateType(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  return Object.keys(body).find((k) => k !== "update_id");
}

interface Waiter {
  wake: () => void;
  fail: (error: BotApiError) => void;
}

export class UpdateQueue {
  private nextId = 1;
  readonly pending = new Map<number, QueuedUpdate>();
  allowedUpdates: string[] | undefined;
  private waiter: Waiter | undefined;
  private listeners = new Set<() => void>();

  constructor(private readonly now: () => number) {}

  /**
   * Reserves the next update_id, builds the body with it and queues it unless `allowed_updates`
   * filters it out (`unfiltered` queues it anyway: raw updates in tests).
   */
  enqueue(orderKey: string, build: (updateId: number) => unknown, unfiltered = false): number {
    const updateId = this.nextId;
    this.nextId += 1;
    const body = build(updateId);
    if (unfiltered || this.isAllowed(updateType(body))) {
      this.pending.set(updateId, { updateId, orderKey, body, createdMs: this.now() });
      this.waiter?.wake();
      for (const listener of this.listeners) listener();
    }
    return updateId;
  }

  /** Calls `listener` whenever an update is queued. */
  onEnqueue(listener: () => void): void {
    this.listeners.add(listener);
  }

  remove(updateId: number): void {
    this.pending.delete(updateId);
  }

  clear(): void {
    this.pending.clear();
  }

  /**
   * `getUpdates`: confirms updates before `offset` (a negative offset keeps only the last
   * |offset|), then answers up to `limit` updates, waiting up to `timeoutS` for the first one.
   */
  async poll(offset: number | undefined, limit: number, timeoutS: number, signal: AbortSignal): Promise<unknown[]> {
    this.confirm(offset);
    this.waiter?.fail(new BotApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
    if (this.pending.size === 0 && timeoutS > 0) await this.waitForUpdate(timeoutS * 1000, signal);
    return [...this.pending.values()].slice(0, limit).map((u) => u.body);
  }

  /** Ends a waiting long poll early (webhook set, server closing); it answers what is pending. */
  wakePoller(): void {
    this.waiter?.wake();
  }

  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    const ids = [...this.pending.keys()];
    const drop = offset < 0 ? ids.slice(0, Math.max(0, ids.length + offset)) : ids.filter((id) => id < offset);
    for (const id of drop) this.pending.delete(id);
  }

  private waitForUpdate(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", waiter.wake);
        if (this.waiter === waiter) this.waiter = undefined;
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      signal.addEventListener("abort", waiter.wake);
      this.waiter = waiter;
    });
  }

  private isAllowed(type: string | undefined): boolean {
    if (type === undefined) return true;
    if (this.allowedUpdates === undefined || this.allowedUpdates.length === 0) return !OPT_IN_TYPES.has(type);
    return this.allowedUpdates.includes(type);
  }
}
