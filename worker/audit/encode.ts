/**
 * Audit events as export files: NDJSON (one JSON object a line, exact) and CSV (RFC 4180, for
 * spreadsheets). Shared by the export endpoint and the staff CLI, so both write the same bytes.
 *
 * CSV: a header row, CRLF line ends, every text cell quoted when it holds a comma, quote, CR or
 * LF, quotes doubled. Text cells that a spreadsheet would run as a formula (leading = + - @ tab
 * or CR) get a leading apostrophe (OWASP "CSV injection"); numbers are written as numbers, so a
 * group's negative chat id stays a number. NDJSON is the exact form; CSV is the convenient one.
 */
import type { AuditEvent } from "./event";

export type ExportFormat = "ndjson" | "csv";

export const CSV_COLUMNS = [
  "time", "ts_ms", "region", "kind", "outcome", "chat_id", "user_id", "update_id", "origin",
  "latency_ms", "prompt_tokens", "completion_tokens", "text", "detail", "id",
] as const;

/** One CSV cell. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

export function csvRow(event: AuditEvent): string {
  const cells: (string | number | undefined)[] = [
    new Date(event.ts).toISOString(),
    event.ts,
    event.region,
    event.kind,
    event.outcome,
    event.chatId,
    event.userId,
    event.updateId,
    event.origin,
    event.latencyMs,
    event.promptTokens,
    event.completionTokens,
    event.text,
    event.detail === undefined ? undefined : JSON.stringify(event.detail),
    event.id,
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** One NDJSON line: the event with an ISO `time` first, for people reading it raw. */
export function ndjsonLine(event: AuditEvent): string {
  return `${JSON.stringify({ time: new Date(event.ts).toISOString(), ...event })}\n`;
}

export interface ExportEncoder {
  header: string;
  line(event: AuditEvent): string;
  contentType: string;
  extension: string;
}

export function encoderFor(format: ExportFormat): ExportEncoder {
  return format === "csv"
    ? { header: csvHeader(), line: csvRow, contentType: "text/csv; charset=utf-8", extension: "csv" }
    : { header: "", line: ndjsonLine, contentType: "application/x-ndjson; charset=utf-8", extension: "ndjson" };
}
