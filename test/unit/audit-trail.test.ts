import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../worker/audit/event";
import type { AuditSink } from "../../worker/audit/sink";
import { groupByShard } from "../../worker/audit/sink";
import { AuditTrail } from "../../worker/audit/trail";
import { updateEvent } from "../../worker/audit/chat-events";

class MemorySink implements AuditSink {
  readonly written: AuditEvent[] = [];
  readonly redacted: { chatId: number; days: readonly number[] }[] = [];
  release: (() => void) | undefined;
  fail = false;

  async write(events: readonly AuditEvent[]): Promise<void> {
    if (this.fail) throw new Error("shard overloaded");
    await new Promise<void>((resolve) => {
      this.release = resolve;
      setTimeout(resolve, 5);
    });
    this.written.push(...events);
  }

  async redactChat(chatId: number, days: readonly number[]): Promise<void> {
    this.redacted.push({ chatId, days });
  }
}

const NOW = Date.parse("2026-11-25T12:00:00Z");
let n = 0;
const options = { now: () => NOW, newId: () => `id-${++n}` };

describe("AuditTrail", () => {
  it("stores no message text unless AUDIT_LOG_TEXT is on", async () => {
    const sink = new MemorySink();
    const off = new AuditTrail(sink, { ...options, logText: false });
    off.record({ kind: "update", region: "eu", outcome: "answered", chatId: 1, text: "my secret" });
    const on = new AuditTrail(sink, { ...options, logText: true });
    on.record({ kind: "update", region: "eu", outcome: "answered", chatId: 2, text: "logged on purpose" });
    await off.flush();
    await on.flush();
    expect(sink.written.find((e) => e.chatId === 1)).not.toHaveProperty("text");
    expect(sink.written.find((e) => e.chatId === 2)?.text).toBe("logged on purpose");
    expect(JSON.stringify(sink.written)).not.toContain("my secret");
  });

  it("returns from record at once and delivers on flush", async () => {
    const sink = new MemorySink();
    const trail = new AuditTrail(sink, { ...options, logText: false });
    trail.record({ kind: "answer", region: "global", outcome: "answered", chatId: 5, latencyMs: 10 });
    expect(sink.written).toHaveLength(0);
    await trail.flush();
    expect(sink.written).toHaveLength(1);
    expect(sink.written[0]).toMatchObject({ ts: NOW, region: "global", kind: "answer", chatId: 5 });
    expect(sink.written[0]?.id).toMatch(/^id-/);
  });

  it("never throws: a failed write and an invalid event are reported, not raised", async () => {
    const sink = new MemorySink();
    sink.fail = true;
    const errors: unknown[] = [];
    const trail = new AuditTrail(sink, { ...options, logText: false, onError: (e) => errors.push(e) });
    trail.record({ kind: "update", region: "eu", outcome: "answered" });
    trail.record({ kind: "update", region: "eu", outcome: "" });
    await trail.flush();
    expect(errors).toHaveLength(2);
  });

  it("redacts a chat's text over the whole retention window, only when text is logged", async () => {
    const sink = new MemorySink();
    new AuditTrail(sink, { ...options, logText: false }).redactChatText(9, 30);
    const on = new AuditTrail(sink, { ...options, logText: true });
    on.redactChatText(9, 30);
    await on.flush();
    expect(sink.redacted).toHaveLength(1);
    expect(sink.redacted[0]?.days).toHaveLength(32);
  });
});

describe("groupByShard", () => {
  it("sends events of one chat and day to one shard, and splits regions and days", () => {
    const base = { kind: "update" as const, outcome: "ok" };
    const events: AuditEvent[] = [
      { ...base, id: "1", ts: NOW, region: "eu", chatId: 7 },
      { ...base, id: "2", ts: NOW + 1, region: "eu", chatId: 7 },
      { ...base, id: "3", ts: NOW, region: "global", chatId: 7 },
      { ...base, id: "4", ts: NOW + 86_400_000, region: "eu", chatId: 7 },
    ];
    const groups = [...groupByShard(events, 8).values()].map((g) => g.map((e) => e.id));
    expect(groups).toEqual([["1", "2"], ["3"], ["4"]]);
  });
});

describe("updateEvent", () => {
  it("describes a handled update without its text field leaking past the trail", () => {
    const event = updateEvent(
      { kind: "command", updateId: 3, chatId: 10, chatType: "private", threadId: 0, messageId: 1, from: { id: 10 }, command: "forget", args: "" },
      "forget-asked",
      "eu",
      NOW - 40,
      NOW,
      1,
    );
    expect(event).toMatchObject({
      kind: "update", region: "eu", chatId: 10, userId: 10, updateId: 3, outcome: "forget-asked", latencyMs: 40,
      detail: { type: "command", command: "forget", attempt: 1 },
    });
  });
});
