/**
 * The audit event: one record per handled update, answer, moderation decision, admin or export
 * action and erasure. It is what compliance staff export, so it is flat, typed and validated at
 * the Durable Object boundary (zod), and it carries no message text unless the operator turned
 * AUDIT_LOG_TEXT on (the trail strips it otherwise, see ./trail).
 */
import { z } from "zod";

/** Where an event is stored: an EU chat's events only ever in the EU jurisdiction. */
export const AuditRegionSchema = z.enum(["eu", "global"]);
export type AuditRegion = z.infer<typeof AuditRegionSchema>;

export const AUDIT_KINDS = [
  "update",
  "answer",
  "moderation",
  "erasure",
  "region-change",
  "data-export",
  "admin-auth",
  "export",
  "webhook-rejected",
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

const count = z.number().int().min(0);

/** Extra facts of an event: short scalars only (never message text). */
const DetailSchema = z.record(
  z.string().max(64),
  z.union([z.string().max(500), z.number(), z.boolean(), z.null()]),
);

export const AuditEventSchema = z.object({
  /** Unique; breaks ties between events of the same millisecond and makes writes idempotent. */
  id: z.string().min(1).max(64),
  /** Milliseconds since the Unix epoch (UTC). */
  ts: z.number().int().min(0),
  region: AuditRegionSchema,
  kind: z.enum(AUDIT_KINDS),
  outcome: z.string().min(1).max(120),
  chatId: z.number().int().optional(),
  userId: z.number().int().optional(),
  updateId: z.number().int().optional(),
  /** The GPU origin (answers) or the moderation provider (moderation decisions). */
  origin: z.string().max(64).optional(),
  latencyMs: count.optional(),
  promptTokens: count.optional(),
  completionTokens: count.optional(),
  /** Message text: present only when AUDIT_LOG_TEXT is on. */
  text: z.string().max(20_000).optional(),
  detail: DetailSchema.optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** What callers record; the trail adds `id` and `ts`. */
export type AuditInput = Omit<AuditEvent, "id" | "ts"> & { ts?: number };

/** A position in the time-ordered event stream: events strictly after (ts, id) come next. */
export interface AuditCursor {
  ts: number;
  id: string;
}

/** Total order of events: by time, then by id. */
export function compareEvents(a: AuditCursor, b: AuditCursor): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `1764042000000~3f2a...`: a cursor as one URL-safe token (the id never contains "~"). */
export function formatCursor(cursor: AuditCursor): string {
  return `${cursor.ts}~${cursor.id}`;
}

/** Parses {@link formatCursor}'s output; undefined for anything else. */
export function parseCursor(value: string | undefined): AuditCursor | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,16})~([A-Za-z0-9_-]{1,64})$/.exec(value);
  if (!match) return undefined;
  return { ts: Number(match[1]), id: match[2] ?? "" };
}

/** The most events one append or one page carries (keeps every RPC message small). */
export const MAX_AUDIT_BATCH = 1000;

/** An AuditLog refused a request as malformed: a caller bug, never a storage failure. */
export class AuditInputError extends Error {
  override readonly name = "AuditInputError";
}
