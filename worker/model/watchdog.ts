/**
 * Timers that guard a model stream: no first token within T1, or silence for T2 once tokens
 * flow, and the watchdog fires a named error so the caller can abort the request.
 *
 * The two clocks differ on purpose:
 * - the first-token deadline runs from the moment the request starts (connect, queueing in
 *   vLLM, prefill) and stops at the first token, answer or reasoning alike: a reasoning model
 *   that is thinking is alive;
 * - the stall clock runs only while the reader is actually waiting for the next event. Time the
 *   consumer spends between pulls (editing a Telegram message, say) is not the origin's
 *   silence, and the origin's data meanwhile waits in the stream's buffer.
 */

import { FirstTokenTimeoutError, StreamStalledError } from "../lib/errors";

export interface WatchdogOptions {
  originId: string;
  firstTokenTimeoutMs: number;
  stallTimeoutMs: number;
  /** Called at most once, with the reason. The caller aborts the request. */
  onFire: (error: FirstTokenTimeoutError | StreamStalledError) => void;
}

type Timer = ReturnType<typeof setTimeout>;

/** One watchdog per model request. */
export class StreamWatchdog {
  #firstTokenTimer: Timer | undefined;
  #stallTimer: Timer | undefined;
  #sawToken = false;
  #done = false;

  constructor(private readonly opts: WatchdogOptions) {}

  /** Starts the first-token deadline. Call just before sending the request. */
  start(): void {
    if (this.#done || this.#firstTokenTimer !== undefined) return;
    const { originId, firstTokenTimeoutMs } = this.opts;
    this.#firstTokenTimer = setTimeout(
      () => this.#fire(new FirstTokenTimeoutError(originId, firstTokenTimeoutMs)),
      firstTokenTimeoutMs,
    );
  }

  /** An answer or reasoning token arrived: the first-token deadline is met. */
  tokenSeen(): void {
    this.#sawToken = true;
    clearTimeout(this.#firstTokenTimer);
  }

  /** The reader starts waiting for the next event; after the first token, silence is timed. */
  waiting(): void {
    if (this.#done || !this.#sawToken) return;
    clearTimeout(this.#stallTimer);
    const { originId, stallTimeoutMs } = this.opts;
    this.#stallTimer = setTimeout(
      () => this.#fire(new StreamStalledError(originId, stallTimeoutMs)),
      stallTimeoutMs,
    );
  }

  /** The reader got something (or gave up): stop timing silence. */
  received(): void {
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  /** Clears every timer; the watchdog never fires after this. */
  stop(): void {
    this.#done = true;
    clearTimeout(this.#firstTokenTimer);
    clearTimeout(this.#stallTimer);
  }

  #fire(error: FirstTokenTimeoutError | StreamStalledError): void {
    if (this.#done) return;
    this.stop();
    this.opts.onFire(error);
  }
}
