/**
 * The audit export as a byte stream: day by day, the day's shards merged in time order, each
 * event encoded as it comes, pulled by the reader (backpressure) so a large range is never
 * buffered whole. Memory stays at one page per shard of the current day plus one output chunk.
 */
import type { AuditCursor, AuditEvent } from "./event";
import type { ExportEncoder } from "./encode";
import { mergeSources } from "./merge";
import type { PageSource } from "./merge";
import { dayStart } from "./shards";

export interface ExportPlan {
  /** Starts (UTC midnight) of the days to read, oldest first. */
  days: readonly number[];
  /** The shards of one day. */
  sourcesFor(dayStartMs: number): PageSource[];
  /** Resume after this event (exclusive). */
  after?: AuditCursor | undefined;
}

/** Every planned event in (ts, id) order, strictly after `plan.after`. */
export async function* exportEvents(plan: ExportPlan): AsyncGenerator<AuditEvent> {
  const resumeDay = plan.after === undefined ? undefined : dayStart(plan.after.ts);
  for (const day of plan.days) {
    if (resumeDay !== undefined && day < resumeDay) continue;
    yield* mergeSources(plan.sourcesFor(day), resumeDay === day ? plan.after : undefined);
  }
}

export interface ExportSummary {
  count: number;
  first?: AuditEvent | undefined;
  last?: AuditEvent | undefined;
  status: "complete" | "cancelled" | "failed";
  error?: unknown;
}

export interface StreamOptions {
  /** An output chunk is sent once it holds about this many characters (default 64 Ki). */
  chunkChars?: number;
  onDone?: (summary: ExportSummary) => void;
}

/** Encodes `events` into a pull-driven byte stream (nothing is read ahead of the reader). */
export function exportStream(
  events: AsyncIterable<AuditEvent>,
  encoder: ExportEncoder,
  options: StreamOptions = {},
): ReadableStream<Uint8Array> {
  const chunkChars = options.chunkChars ?? 64 * 1024;
  const iterator = events[Symbol.asyncIterator]();
  const bytes = new TextEncoder();
  const summary: ExportSummary = { count: 0, status: "complete" };
  let headerSent = false;
  const done = (status: ExportSummary["status"], error?: unknown) => {
    summary.status = status;
    if (error !== undefined) summary.error = error;
    options.onDone?.(summary);
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk = headerSent ? "" : encoder.header;
        headerSent = true;
        try {
          while (chunk.length < chunkChars) {
            const next = await iterator.next();
            if (next.done) {
              if (chunk.length > 0) controller.enqueue(bytes.encode(chunk));
              controller.close();
              done("complete");
              return;
            }
            chunk += encoder.line(next.value);
            summary.count += 1;
            summary.first ??= next.value;
            summary.last = next.value;
          }
        } catch (error) {
          // The reader sees a broken stream (the connection is cut), never a silently short file.
          controller.error(error);
          done("failed", error);
          return;
        }
        controller.enqueue(bytes.encode(chunk));
      },
      async cancel() {
        await iterator.return?.(undefined);
        done("cancelled");
      },
    },
    { highWaterMark: 0 },
  );
}
