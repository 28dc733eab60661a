/**
 * A toy version of vLLM's scheduler state: which requests are running, which wait for a slot
 * (`maxRunning` plays `--max-num-seqs`), and how full the KV cache would be. It exists so the
 * stand-in's `/metrics` moves under load the way a real origin's does, and so overload can be
 * provoked in tests (alerts, autoscaling, the edge's degrade policy) without a GPU.
 */

/** One running request's footprint in the KV cache, in tokens. */
export interface Footprint {
  tokens: number;
}

/** Slots, a FIFO queue and the KV-cache estimate. */
export class Scheduler {
  private readonly running = new Set<Footprint>();
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly maxRunning: number,
    private readonly kvCacheTokens: number,
  ) {}

  /**
   * Waits for a slot and registers `footprint` as running. Resolves `false` (and takes no slot)
   * when `signal` aborts first, which is how a client that hangs up while queued leaves the queue.
   */
  admit(footprint: Footprint, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.running.size < this.maxRunning && this.queue.length === 0) {
      this.running.add(footprint);
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const start = () => {
        signal.removeEventListener("abort", leave);
        this.running.add(footprint);
        resolve(true);
      };
      const leave = () => {
        const at = this.queue.indexOf(start);
        if (at >= 0) this.queue.splice(at, 1);
        resolve(false);
      };
      this.queue.push(start);
      signal.addEventListener("abort", leave, { once: true });
    });
  }

  /** Frees the slot of a running request and starts the next queued one. */
  release(footprint: Footprint): void {
    if (!this.running.delete(footprint)) return;
    while (this.running.size < this.maxRunning) {
      const next = this.queue.shift();
      if (next === undefined) break;
      next();
    }
  }

  /** Requests holding a slot. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Requests waiting for a slot. */
  get waitingCount(): number {
    return this.queue.length;
  }

  /** KV-cache use (0..1): running requests' prompt and generated tokens over the cache size. */
  kvCacheUsage(): number {
    let tokens = 0;
    for (const f of this.running) tokens += f.tokens;
    return Math.min(1, tokens / this.kvCacheTokens);
  }
}
