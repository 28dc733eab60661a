/**
 * The audit trail a request or a chat job records into.
 *
 * `record()` never blocks and never throws: the write starts at once (fire-and-forget RPC), so
 * audit never delays a message to Telegram; `flush()` waits for every write started so far, and
 * the chat job calls it at its end so nothing is lost when the object goes idle. This is also the
 * one place where the text policy is enforced: without AUDIT_LOG_TEXT, `text` never leaves here.
 */
import { logError } from "../lib/log";
import type { AuditEvent, AuditInput } from "./event";
import { AuditEventSchema } from "./event";
import type { AuditSink } from "./sink";
import { DAY_MS, daysBetween } from "./shards";

/** What code that only records needs (chat jobs, moderation, data rights). */
export interface AuditRecorder {
  record(input: AuditInput): void;
}

export interface AuditTrailOptions {
  logText: boolean;
  now?: () => number;
  newId?: () => string;
  onError?: (error: unknown, event: AuditEvent | AuditInput) => void;
}

export class AuditTrail implements AuditRecorder {
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly onError: (error: unknown, event: AuditEvent | AuditInput) => void;

  constructor(
    private readonly sink: AuditSink,
    private readonly options: AuditTrailOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.onError =
      options.onError ??
      ((error, event) => logError({ event: "audit-write-failed", kind: event.kind, chatId: event.chatId, error }));
  }

  record(input: AuditInput): void {
    const { text, ...rest } = input;
    const candidate = {
      ...rest,
      ...(this.options.logText && text !== undefined ? { text: text.slice(0, 20_000) } : {}),
      id: this.newId(),
      ts: input.ts ?? this.now(),
    };
    const parsed = AuditEventSchema.safeParse(candidate);
    if (!parsed.success) {
      this.onError(parsed.error, input);
      return;
    }
    const event = parsed.data;
    this.track(this.sink.write([event]).catch((error: unknown) => this.onError(error, event)));
  }

  /**
   * Removes a chat's message text from the audit events still kept (the user asked to be
   * forgotten). Nothing to do when text is not logged, which is the default.
   */
  redactChatText(chatId: number, retentionDays: number): void {
    if (!this.options.logText || !this.sink.redactChat) return;
    const now = this.now();
    const days = daysBetween(now - (retentionDays + 1) * DAY_MS, now + 1);
    this.track(this.sink.redactChat(chatId, days).catch((error: unknown) =>
      this.onError(error, { kind: "erasure", region: "eu", outcome: "redact-failed", chatId }),
    ));
  }

  private track(write: Promise<void>): void {
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Resolves once every write started so far has finished (failures are logged, not thrown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
