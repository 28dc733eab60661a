/**
 * The export request: `region`, `from`, `to`, optional `chat`, `format` and `after` (a resume
 * cursor), validated with zod and turned into a plan over the region's shards.
 *
 * `from` and `to` accept an ISO 8601 time (`2026-11-25T10:00:00Z`), a UTC day (`2026-11-25`,
 * meaning its midnight) or epoch milliseconds; the range is [from, to). Days older than the
 * retention window are skipped without asking their (already deleted) shards.
 */
import { z } from "zod";
import type { AuditCursor, AuditRegion } from "./event";
import { AuditRegionSchema, parseCursor } from "./event";
import type { ExportFormat } from "./encode";
import { DAY_MS, daysBetween } from "./shards";

const instant = z.string().transform((value, ctx) => {
  const text = value.trim();
  const ms = /^\d{1,16}$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? Date.parse(`${text}T00:00:00Z`)
      : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text)
        ? Date.parse(text)
        : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 time with a zone, a YYYY-MM-DD day or epoch ms" });
    return z.NEVER;
  }
  return ms;
});

export const ExportQuerySchema = z
  .object({
    region: AuditRegionSchema,
    from: instant,
    to: instant,
    chat: z.string().regex(/^-?\d{1,20}$/, "must be a chat id").transform(Number).optional(),
    format: z.enum(["ndjson", "csv"]).default("ndjson"),
    after: z
      .string()
      .transform((value, ctx) => {
        const cursor = parseCursor(value);
        if (!cursor) {
          ctx.addIssue({ code: "custom", message: "must be a cursor like 1764042000000~<id>" });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["from"] });

export interface ExportQuery {
  region: AuditRegion;
  fromMs: number;
  toMs: number;
  chatId?: number | undefined;
  format: ExportFormat;
  after?: AuditCursor | undefined;
}

/** Parses the query string; a message naming the bad parameter otherwise. */
export function parseExportQuery(
  params: Record<string, string>,
): { ok: true; query: ExportQuery } | { ok: false; error: string } {
  const parsed = ExportQuerySchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${String(issue?.path[0] ?? "query")}: ${issue?.message ?? "invalid"}` };
  }
  const q = parsed.data;
  return { ok: true, query: { region: q.region, fromMs: q.from, toMs: q.to, chatId: q.chat, format: q.format, after: q.after } };
}

/**
 * The days an export must read: those overlapping [from, to) that can still hold events
 * (retention plus the one day a shard may outlive it), and none in the future.
 */
export function exportDays(query: Pick<ExportQuery, "fromMs" | "toMs">, nowMs: number, retentionDays: number): number[] {
  const oldest = nowMs - (retentionDays + 1) * DAY_MS;
  const from = Math.max(query.fromMs, oldest);
  const to = Math.min(query.toMs, nowMs + DAY_MS);
  return from < to ? daysBetween(from, to) : [];
}

/** A file name for the download, e.g. `audit-eu-2026-11-01-2026-11-25.csv`. */
export function exportFileName(query: ExportQuery, extension: string): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const chat = query.chatId === undefined ? "" : `-chat${query.chatId}`;
  return `audit-${query.region}${chat}-${day(query.fromMs)}-${day(query.toMs)}.${extension}`;
}
