/**
 * ChatSession: one Durable Object per Telegram chat, with SQLite storage.
 *
 * The Worker calls `receive()` (native RPC) with one routed update and returns 200 to Telegram as
 * soon as the update is stored here. Work then runs in update order from the inbox:
 * - a background drain starts at once (fast path: no alarm latency before the "Thinking…" draft);
 * - an alarm is kept a minute ahead while work is pending, so an evicted or crashed object wakes
 *   up and resumes (alarms are at-least-once and retried). A resumed row is retried a few times,
 *   then reported to the user, never silently dropped;
 * - `/stop` and the draft's stop button act immediately on the running answer, without queueing.
 * One object per chat means one writer per conversation: two quick messages can never race.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import { loadConfig } from "../worker/config";
import type { Config } from "../worker/config";
import { InboundSchema } from "../worker/telegram/update";
import type { Inbound } from "../worker/telegram/update";
import { createTelegramApis } from "../worker/telegram/bot-api";
import type { TelegramApis } from "../worker/telegram/bot-api";
import { takeToken } from "../worker/chat/rate-limit";
import type { RateLimitState } from "../worker/chat/rate-limit";
import { decideResidency } from "../worker/chat/residency";
import type { Residency } from "../worker/chat/residency";
import { logEvent } from "../worker/lib/log";
import { AuditTrail } from "../worker/audit/trail";
import { DurableAuditSink } from "../worker/audit/sink";
import { updateEvent } from "../worker/audit/chat-events";
import { ChatStore } from "./chat-store";
import type { InboxRow } from "./chat-store";
import { handleInboxRow, uiLanguageFor } from "./chat-work";
import { reportInterrupted } from "./answer-job";
import type { ChatContext, RunningAnswer } from "./chat-work";

/** A row found `running` after a crash is retried this many times in all, then reported. */
export const MAX_ATTEMPTS = 3;
/** How far ahead the safety-net alarm is kept while work is pending. */
const SAFETY_NET_MS = 60_000;

export type ReceiveResult =
  | { status: "accepted"; queued: number }
  | { status: "duplicate" }
  | { status: "stopped"; updateId: number }
  | { status: "rejected"; reason: string };

export class ChatSession extends DurableObject<Env> {
  private readonly store: ChatStore;
  private running: RunningAnswer | undefined;
  private draining: Promise<void> | undefined;
  private apis: TelegramApis | undefined;
  private trail: AuditTrail | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ChatStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.store.migrate());
  }

  private get config(): Config {
    return loadConfig(this.env);
  }

  /** Audit writes are fire-and-forget RPCs to the AuditLog shards, flushed after each row. */
  private get audit(): AuditTrail {
    this.trail ??= new AuditTrail(new DurableAuditSink(this.env, this.config), { logText: this.config.audit.logText });
    return this.trail;
  }

  private get telegram(): TelegramApis {
    this.apis ??= createTelegramApis({ token: this.config.telegram.token, apiRoot: this.config.telegram.apiRoot });
    return this.apis;
  }

  /** Stores one routed update (idempotent by update_id) and starts the work. */
  async receive(input: unknown): Promise<ReceiveResult> {
    const parsed = InboundSchema.safeParse(input);
    if (!parsed.success) return { status: "rejected", reason: parsed.error.issues[0]?.message ?? "invalid" };
    const inbound = parsed.data;
    if (this.store.hasUpdate(inbound.updateId)) return { status: "duplicate" };
    const now = Date.now();
    this.rememberFirstContact(inbound);

    if (isStop(inbound)) {
      const stopped = this.stopRunning(inbound);
      if (stopped !== undefined) {
        this.store.addToInbox(inbound, now);
        this.store.finishInbox(inbound.updateId, "done", `stopped:${stopped}`, now);
        this.audit.record(updateEvent(inbound, `stopped:${stopped}`, this.store.getMeta<Residency>("residency") ?? "eu", now, Date.now()));
        return { status: "stopped", updateId: stopped };
      }
    }

    this.store.addToInbox(inbound, now, this.rateLimit(inbound, now));
    this.kick();
    return { status: "accepted", queued: this.store.pendingCount() };
  }

  /** The safety net: resumes work an eviction or crash interrupted. */
  override async alarm(): Promise<void> {
    this.kick();
    await this.draining;
  }

  /** Test and operator view of the chat's state (no message text). */
  async inspect(): Promise<{ pending: number; running: number | undefined; residency: Residency | undefined }> {
    return {
      pending: this.store.pendingCount(),
      running: this.running?.updateId,
      residency: this.store.getMeta<Residency>("residency"),
    };
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const row = this.store.nextInbox();
        if (!row) break;
        await this.ctx.storage.setAlarm(Date.now() + SAFETY_NET_MS);
        await this.process(row);
      }
      this.store.pruneInbox(Date.now());
      await this.ctx.storage.deleteAlarm();
    } finally {
      this.draining = undefined;
    }
    // A receive() that arrived while this drain was finishing (during the awaits above) found
    // `draining` set and only queued its row: pick it up here.
    if (this.store.nextInbox()) this.kick();
  }

  private async process(row: InboxRow): Promise<void> {
    const now = Date.now();
    const context = this.context();
    const region = context.residency();
    if (row.status === "running" && row.attempts >= MAX_ATTEMPTS) {
      await reportInterrupted(context, row, uiLanguageFor(context, row.inbound)).catch((e: unknown) => context.log("report-failed", row, e));
      this.store.finishInbox(row.updateId, "failed", "gave-up-after-retries", now);
      this.audit.record(updateEvent(row.inbound, "gave-up-after-retries", region, now, Date.now(), row.attempts));
      await this.audit.flush();
      return;
    }
    this.store.markRunning(row.updateId);
    try {
      const outcome = await handleInboxRow(context, row);
      this.store.finishInbox(row.updateId, "done", outcome, Date.now());
      this.audit.record(updateEvent(row.inbound, outcome, region, now, Date.now(), row.attempts + 1));
    } catch (error) {
      context.log("work-failed", row, error);
      this.store.finishInbox(row.updateId, "failed", errorName(error), Date.now());
      this.audit.record(updateEvent(row.inbound, `failed:${errorName(error)}`, region, now, Date.now(), row.attempts + 1));
    }
    // Nothing recorded during the row is lost when the object goes idle after it.
    await this.audit.flush();
  }

  private context(): ChatContext {
    return {
      config: this.config,
      store: this.store,
      storage: this.ctx.storage,
      apis: this.telegram,
      audit: this.audit,
      residency: () => this.store.getMeta<Residency>("residency") ?? "eu",
      setRunning: (r) => {
        this.running = r;
      },
      log: (event, row, error) =>
        logEvent({
          event,
          updateId: row.updateId,
          chatId: row.inbound.chatId,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        }),
    };
  }

  /** Residency is decided once, at first contact, and kept (changed only by /region). */
  private rememberFirstContact(inbound: Inbound): void {
    if (this.store.getMeta("residency") !== undefined) return;
    const languageCode = "from" in inbound ? inbound.from.languageCode : undefined;
    const residency = decideResidency({ languageCode, policy: this.config.chat.residencyPolicy });
    this.store.setMeta("residency", residency);
    this.store.setMeta("chat_type", inbound.chatType);
  }

  private stopRunning(inbound: Inbound): number | undefined {
    const running = this.running;
    if (!running) return undefined;
    if (inbound.kind === "stop-button" && inbound.draftId !== running.draftId) return undefined;
    if (inbound.threadId !== running.threadId) return undefined;
    running.controller.abort("user-stop");
    return running.updateId;
  }

  /** Text and /retry spend a token of the chat's bucket; commands like /stop never do. */
  private rateLimit(inbound: Inbound, now: number): InboxRow["limited"] {
    const spends = inbound.kind === "text" || (inbound.kind === "command" && inbound.command === "retry");
    if (!spends) return null;
    const state = this.store.getMeta<RateLimitState>("rate_limit");
    const decision = takeToken(state, now, this.config.chat.rateLimit);
    this.store.setMeta("rate_limit", decision.state);
    return decision.outcome === "limited" ? { retryAfterMs: decision.retryAfterMs, notify: decision.notify } : null;
  }
}

function isStop(inbound: Inbound): boolean {
  return inbound.kind === "stop-button" || (inbound.kind === "command" && inbound.command === "stop");
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}
