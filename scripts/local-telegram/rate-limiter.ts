/**
 * Which limits a Bot API call counts against, and the state of every bucket and window.
 *
 * A call is admitted only when every limit it counts against has room; then it takes from all of
 * them at once, so a refused call never consumes anything. See `limits.ts` for the numbers.
 */
import type { BucketLimit, BucketState, Limits } from "./limits";
import { bucketTake, bucketWaitMs, retryAfterSeconds, windowWaitMs } from "./limits";
import type { ChatType } from "./types";

export type LimitedMethod = "sendMessage" | "editMessageText" | "sendMessageDraft";

export type Admission = { status: "ok" } | { status: "limited"; retryAfterS: number };

type Counter = { kind: "bucket"; key: string; limit: BucketLimit } | { kind: "window"; key: string };

export class RateLimiter {
  private buckets = new Map<string, BucketState>();
  private windows = new Map<string, number[]>();

  constructor(private readonly limits: Limits) {}

  /** Admits (and counts) a call or says how long to wait. */
  admit(method: LimitedMethod, chatType: ChatType, chatId: number, nowMs: number): Admission {
    const counters = this.countersFor(method, chatType, chatId);
    let waitMs = 0;
    for (const counter of counters) {
      const wait =
        counter.kind === "bucket"
          ? bucketWaitMs(counter.limit, this.buckets.get(counter.key), nowMs)
          : windowWaitMs(this.limits.groupChat, this.windows.get(counter.key) ?? [], nowMs);
      waitMs = Math.max(waitMs, wait);
    }
    if (waitMs > 0) return { status: "limited", retryAfterS: retryAfterSeconds(waitMs) };
    for (const counter of counters) {
      if (counter.kind === "bucket") {
        this.buckets.set(counter.key, bucketTake(counter.limit, this.buckets.get(counter.key), nowMs));
      } else {
        const stamps = (this.windows.get(counter.key) ?? []).filter((t) => t > nowMs - this.limits.groupChat.windowMs);
        stamps.push(nowMs);
        this.windows.set(counter.key, stamps);
      }
    }
    return { status: "ok" };
  }

  /** Forgets every bucket and window (all limits full again). */
  reset(): void {
    this.buckets.clear();
    this.windows.clear();
  }

  private countersFor(method: LimitedMethod, chatType: ChatType, chatId: number): Counter[] {
    const group: Counter = { kind: "window", key: `group:${chatId}` };
    const isPrivate = chatType === "private";
    switch (method) {
      case "sendMessage":
        return [
          { kind: "bucket", key: "bot", limit: this.limits.perBot },
          isPrivate ? { kind: "bucket", key: `message:${chatId}`, limit: this.limits.privateChat } : group,
        ];
      case "editMessageText":
        return [isPrivate ? { kind: "bucket", key: `edit:${chatId}`, limit: this.limits.privateEdits } : group];
      case "sendMessageDraft":
        return [{ kind: "bucket", key: `draft:${chatId}`, limit: this.limits.drafts }];
    }
  }
}
