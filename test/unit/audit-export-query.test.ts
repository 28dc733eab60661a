import { describe, expect, it } from "vitest";
import { exportDays, exportFileName, parseExportQuery } from "../../worker/audit/export-query";
import { utcDay } from "../../worker/audit/shards";

const NOW = Date.parse("2026-11-25T12:00:00Z");

describe("parseExportQuery", () => {
  it("accepts ISO times, UTC days and epoch milliseconds", () => {
    const parsed = parseExportQuery({ region: "eu", from: "2026-11-20", to: "2026-11-25T10:30:00+01:00", chat: "-100123", format: "csv" });
    expect(parsed).toEqual({
      ok: true,
      query: {
        region: "eu",
        fromMs: Date.parse("2026-11-20T00:00:00Z"),
        toMs: Date.parse("2026-11-25T09:30:00Z"),
        chatId: -100123,
        format: "csv",
        after: undefined,
      },
    });
    const ms = parseExportQuery({ region: "global", from: "1764000000000", to: "1764100000000" });
    expect(ms.ok && ms.query.fromMs).toBe(1764000000000);
    expect(ms.ok && ms.query.format).toBe("ndjson");
  });

  it("names the parameter that is wrong", () => {
    expect(parseExportQuery({ region: "us", from: "2026-11-20", to: "2026-11-21" })).toMatchObject({ ok: false, error: expect.stringMatching(/^region/) });
    expect(parseExportQuery({ region: "eu", from: "yesterday", to: "2026-11-21" })).toMatchObject({ ok: false, error: expect.stringMatching(/^from/) });
    expect(parseExportQuery({ region: "eu", from: "2026-11-22", to: "2026-11-21" })).toMatchObject({ ok: false, error: expect.stringMatching(/^from/) });
    expect(parseExportQuery({ region: "eu", from: "2026-11-20", to: "2026-11-21", format: "xlsx" })).toMatchObject({ ok: false, error: expect.stringMatching(/^format/) });
    expect(parseExportQuery({ region: "eu", from: "2026-11-20", to: "2026-11-21", after: "nope" })).toMatchObject({ ok: false, error: expect.stringMatching(/^after/) });
    expect(parseExportQuery({ region: "eu", to: "2026-11-21" })).toMatchObject({ ok: false, error: expect.stringMatching(/^from/) });
  });

  it("reads a resume cursor", () => {
    const parsed = parseExportQuery({ region: "eu", from: "2026-11-20", to: "2026-11-21", after: "1764000000000~abc-1" });
    expect(parsed.ok && parsed.query.after).toEqual({ ts: 1764000000000, id: "abc-1" });
  });
});

describe("exportDays", () => {
  it("skips days that retention has already deleted, and days in the future", () => {
    const days = exportDays({ fromMs: Date.parse("2025-01-01T00:00:00Z"), toMs: Date.parse("2027-01-01T00:00:00Z") }, NOW, 30);
    expect(utcDay(days[0] ?? 0)).toBe("2026-10-25");
    expect(utcDay(days.at(-1) ?? 0)).toBe("2026-11-26");
    expect(days).toHaveLength(33);
  });

  it("is empty for a range entirely past retention", () => {
    expect(exportDays({ fromMs: 0, toMs: Date.parse("2026-01-01T00:00:00Z") }, NOW, 30)).toEqual([]);
  });
});

describe("exportFileName", () => {
  it("says region, chat and range", () => {
    const name = exportFileName(
      { region: "eu", fromMs: Date.parse("2026-11-01T00:00:00Z"), toMs: Date.parse("2026-11-25T00:00:00Z"), chatId: 42, format: "csv" },
      "csv",
    );
    expect(name).toBe("audit-eu-chat42-2026-11-01-2026-11-25.csv");
  });
});
