import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, csvHeader, csvRow, encoderFor, ndjsonLine } from "../../worker/audit/encode";
import type { AuditEvent } from "../../worker/audit/event";
import { parseCsv } from "../support/csv";

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id: "0b8d2c1e-0000-4000-8000-000000000001",
  ts: Date.parse("2026-11-25T10:00:00.123Z"),
  region: "eu",
  kind: "answer",
  outcome: "answered",
  chatId: -1001234567890,
  userId: 42,
  updateId: 7,
  origin: "fra1",
  latencyMs: 812,
  promptTokens: 120,
  completionTokens: 300,
  ...overrides,
});

describe("CSV export", () => {
  it("starts with a header row naming every column", () => {
    expect(parseCsv(csvHeader())).toEqual([[...CSV_COLUMNS]]);
  });

  it("round-trips commas, quotes, newlines and emoji through a strict CSV reader", () => {
    const text = 'He said "hi", then\nleft 😀 — 中文\r\nend';
    const rows = parseCsv(csvHeader() + csvRow(event({ text, detail: { note: "a,b", n: 1 } })));
    const header = rows[0] ?? [];
    const cells = Object.fromEntries(header.map((name, i) => [name, rows[1]?.[i]]));
    expect(rows).toHaveLength(2);
    expect(cells.text).toBe(text);
    expect(JSON.parse(cells.detail ?? "")).toEqual({ note: "a,b", n: 1 });
    expect(cells.time).toBe("2026-11-25T10:00:00.123Z");
    expect(cells.chat_id).toBe("-1001234567890");
    expect(cells.prompt_tokens).toBe("120");
    expect(cells.origin).toBe("fra1");
  });

  it("leaves absent fields empty", () => {
    const rows = parseCsv(csvRow({ id: "x", ts: 0, region: "global", kind: "webhook-rejected", outcome: "wrong-secret" }));
    expect(rows[0]?.[CSV_COLUMNS.indexOf("chat_id")]).toBe("");
    expect(rows[0]?.[CSV_COLUMNS.indexOf("text")]).toBe("");
  });

  it("defuses text a spreadsheet would run as a formula, but keeps negative numbers numeric", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell(-100123)).toBe("-100123");
    expect(csvCell("plain")).toBe("plain");
  });
});

describe("NDJSON export", () => {
  it("writes one exact JSON object a line, with a readable time first", () => {
    const e = event({ text: "line one\nline two 😀" });
    const line = ndjsonLine(e);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe("time");
    expect(parsed).toMatchObject({ ...e, time: "2026-11-25T10:00:00.123Z" });
  });

  it("names content types and extensions a browser and a spreadsheet recognise", () => {
    expect(encoderFor("csv")).toMatchObject({ contentType: "text/csv; charset=utf-8", extension: "csv" });
    expect(encoderFor("ndjson")).toMatchObject({ contentType: "application/x-ndjson; charset=utf-8", header: "" });
  });
});
