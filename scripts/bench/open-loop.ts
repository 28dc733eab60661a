/**
 * An open-loop HTTP sender: POSTs bodies on a fixed schedule (request i at start + i / rate),
 * never waiting for an answer before sending the next, and times each answer from the moment its
 * request left to the moment its body was read.
 *
 * It runs in a worker thread of its own, so the local Telegram and the stand-in model (which
 * share the bench's main thread) cannot delay a send or the reading of an answer; the lateness of
 * each send against its schedule is reported too, so a saturated machine shows up as such.
 */
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

export interface OpenLoopJob {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  ratePerSecond: number;
  timeoutMs: number;
}

export interface OpenLoopResult {
  /** Per request, in send order: milliseconds to the full answer; null when it failed. */
  latenciesMs: (number | null)[];
  /** HTTP status counts ("0" for network errors and timeouts). */
  statuses: Record<string, number>;
  /** How late each send left against its schedule. */
  sendLagMs: number[];
  /** From the first scheduled send to the last answer. */
  wallMs: number;
}

async function run(job: OpenLoopJob): Promise<OpenLoopResult> {
  const latenciesMs: (number | null)[] = new Array<number | null>(job.bodies.length).fill(null);
  const statuses: Record<string, number> = {};
  const sendLagMs: number[] = [];
  const intervalMs = 1000 / job.ratePerSecond;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 20;
  for (const [i, body] of job.bodies.entries()) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = performance.now();
    sendLagMs.push(Math.max(0, sentAt - due));
    pending.push(
      (async () => {
        let status = 0;
        try {
          const response = await fetch(job.url, { method: "POST", headers: job.headers, body, signal: AbortSignal.timeout(job.timeoutMs) });
          await response.arrayBuffer();
          status = response.status;
          latenciesMs[i] = performance.now() - sentAt;
        } catch {
          status = 0;
        }
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      })(),
    );
  }
  await Promise.all(pending);
  return { latenciesMs, statuses, sendLagMs, wallMs: performance.now() - start };
}

/** Runs `job` in a fresh worker thread and resolves with its timings. */
export function runOpenLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
    worker.once("message", (result: OpenLoopResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  void run(workerData as OpenLoopJob).then((result) => port.postMessage(result));
}
