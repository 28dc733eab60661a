/**
 * Shows an answer on Telegram while the model writes it, then delivers it for good.
 *
 * - Private chats: native drafts (`sendMessageDraft`). An empty draft shows "Thinking…" at once;
 *   later drafts animate the growing text; `sendMessage` persists the final parts.
 * - Groups and forum topics: one placeholder message, edited at most every `editIntervalMs` and
 *   only while the group's budget (Telegram: 20 messages a minute) keeps room for the final parts.
 *
 * Previews are ephemeral: a failed or rate-limited draft or edit is skipped, since the next one
 * replaces it. The final delivery is durable: every part is sent with retries, recorded in the
 * DeliveryLog, and never sent again when the work is retried after a crash.
 */
import type { Api } from "grammy";
import type { FormattedText } from "./formatted-text";
import { TELEGRAM_TEXT_LIMIT, toBotApiEntities } from "./formatted-text";
import { renderMarkdown } from "./markdown";
import { splitFormatted } from "./split-message";
import { isEntityError, isMessageGone, isNotModified, telegramCall } from "./bot-api";
import type { TelegramApis } from "./bot-api";
import { TelegramApiError } from "../lib/errors";

/** What was already sent for one update; backed by SQLite in the chat's Durable Object. */
export interface DeliveryLog {
  sentPart(index: number): number | undefined;
  recordPart(index: number, messageId: number): void;
  placeholder(): number | undefined;
  recordPlaceholder(messageId: number): void;
}

/** Telegram's per-group message budget, shared by every answer in that chat. */
export interface SendBudget {
  /** Takes a slot if one is free while keeping `reserve` slots for later; false otherwise. */
  tryTake(nowMs: number, reserve: number): boolean;
  /** Milliseconds until a slot frees (0 if one is free now). */
  waitMs(nowMs: number): number;
}

export interface AnswerTarget {
  chatId: number;
  chatType: "private" | "group" | "supergroup";
  threadId: number;
  replyToMessageId?: number;
  /** Non-zero; derived from the update so a retried answer animates the same draft. */
  draftId: number;
}

export interface PresenterOptions {
  apis: TelegramApis;
  target: AnswerTarget;
  log: DeliveryLog;
  budget?: SendBudget;
  draftIntervalMs: number;
  editIntervalMs: number;
  /** Text of the group placeholder before the first token (a localized "…"). */
  placeholderText: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onError?: (error: unknown, stage: string) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Previews never wait longer than this (a draft expires after 30 s without an update). */
export const MAX_PREVIEW_INTERVAL_MS = 5_000;

export class AnswerPresenter {
  private readonly o: Required<Omit<PresenterOptions, "budget">> & { budget?: SendBudget };
  private latest = "";
  private shown = "";
  private lastSentAt = -Infinity;
  private cooldownUntil = 0;
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private entitiesRejected = false;
  private closed = false;
  private readonly startedAt: number;

  constructor(options: PresenterOptions) {
    this.o = {
      now: () => Date.now(),
      sleep: defaultSleep,
      onError: () => {},
      ...options,
    };
    this.startedAt = this.o.now();
  }

  private get isPrivate() {
    return this.o.target.chatType === "private";
  }

  /**
   * Time between previews: the configured interval while an answer is young, then a tenth of its
   * age, up to MAX_PREVIEW_INTERVAL_MS. A normal answer (a few seconds) is unaffected; one that
   * streams slowly because the system is loaded gets fewer previews, so previews never become
   * the load themselves (measured in docs/BENCHMARKS.md: without this, ~41 drafts a message).
   */
  private get interval() {
    const base = this.isPrivate ? this.o.draftIntervalMs : this.o.editIntervalMs;
    const age = this.o.now() - this.startedAt;
    return Math.max(base, Math.min(age / 10, MAX_PREVIEW_INTERVAL_MS));
  }

  /** Shows that work started: a "Thinking…" draft, or the group placeholder. */
  async start(): Promise<void> {
    const { apis, target, log } = this.o;
    if (this.isPrivate) {
      // The empty "Thinking…" draft does not count against the interval: the first words must
      // show the moment they arrive, not one interval later.
      await this.ephemeral("sendMessageDraft", () =>
        apis.ephemeral.sendMessageDraft(target.chatId, target.draftId, "", {
          can_stop: true,
          ...thread(target),
        }),
      );
      return;
    }
    if (log.placeholder() !== undefined) return; // a retried answer reuses its placeholder
    if (this.o.budget && !this.o.budget.tryTake(this.o.now(), 1)) return;
    try {
      const message = await telegramCall("sendMessage", () =>
        apis.durable.sendMessage(target.chatId, this.o.placeholderText, {
          ...thread(target),
          ...replyTo(target),
        }),
      );
      log.recordPlaceholder(message.message_id);
    } catch (error) {
      this.o.onError(error, "placeholder");
    }
  }

  /** The answer so far (Markdown). Shown at most once per interval; never blocks the caller. */
  update(markdown: string): void {
    if (this.closed) return;
    this.latest = markdown;
    this.schedule();
  }

  private schedule(): void {
    if (this.inFlight || this.timer || this.closed) return;
    const now = this.o.now();
    const due = Math.max(this.lastSentAt + this.interval, this.cooldownUntil);
    if (now >= due) {
      this.inFlight = this.pushPreview().finally(() => {
        this.inFlight = undefined;
        if (this.latest !== this.shown) this.schedule();
      });
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, due - now);
    }
  }

  private async pushPreview(): Promise<void> {
    const text = this.latest;
    if (text === this.shown) return;
    const parts = splitFormatted(renderMarkdown(text), TELEGRAM_TEXT_LIMIT);
    const current = parts[parts.length - 1];
    if (!current) return;
    const { apis, target, log } = this.o;
    this.lastSentAt = this.o.now();
    this.shown = text;
    const entities = this.entitiesRejected ? [] : toBotApiEntities(current.entities);
    if (this.isPrivate) {
      await this.ephemeral("sendMessageDraft", () =>
        apis.ephemeral.sendMessageDraft(target.chatId, target.draftId, current.text, {
          entities, can_stop: true, ...thread(target),
        }),
      );
      return;
    }
    const placeholder = log.placeholder();
    if (placeholder === undefined) return;
    // Keep one slot free for each final part, plus the one after it.
    if (this.o.budget && !this.o.budget.tryTake(this.o.now(), parts.length + 1)) return;
    await this.ephemeral("editMessageText", () =>
      apis.ephemeral.editMessageText(target.chatId, placeholder, current.text, { entities }),
    );
  }

  private async ephemeral(method: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await telegramCall(method, call);
    } catch (error) {
      if (error instanceof TelegramApiError && error.retryAfterSeconds !== undefined) {
        this.cooldownUntil = this.o.now() + error.retryAfterSeconds * 1000;
      } else if (isEntityError(error)) {
        this.entitiesRejected = true;
      }
      if (!isNotModified(error)) this.o.onError(error, method);
    }
  }

  /** Stops previews and waits for the one in flight, so nothing lands after the final text. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /**
   * Delivers the whole answer: every part not yet recorded in the DeliveryLog. In groups the
   * first part replaces the placeholder. Safe to call again after a crash.
   */
  async finish(markdown: string): Promise<void> {
    await this.close();
    const parts = splitFormatted(renderMarkdown(markdown), TELEGRAM_TEXT_LIMIT);
    const { log } = this.o;
    for (const [index, part] of parts.entries()) {
      if (log.sentPart(index) !== undefined) continue;
      const messageId = await this.deliverPart(index, part);
      log.recordPart(index, messageId);
    }
  }

  private async deliverPart(index: number, part: FormattedText): Promise<number> {
    const { target, log } = this.o;
    const placeholder = index === 0 && !this.isPrivate ? log.placeholder() : undefined;
    if (placeholder !== undefined) {
      const edited = await this.withEntityFallback(part, (p) => this.editFinal(placeholder, p));
      if (edited) return placeholder;
    }
    await this.waitForBudget();
    return this.withEntityFallback(part, (p) =>
      telegramCall("sendMessage", () =>
        this.o.apis.durable.sendMessage(target.chatId, p.text, {
          entities: toBotApiEntities(p.entities),
          ...thread(target),
          ...(index === 0 ? replyTo(target) : {}),
        }),
      ).then((m) => m.message_id),
    );
  }

  /** Edits the placeholder into the final first part; false when it is gone and a new message is needed. */
  private async editFinal(placeholder: number, part: FormattedText): Promise<true | false> {
    await this.waitForBudget();
    try {
      await telegramCall("editMessageText", () =>
        this.o.apis.durable.editMessageText(this.o.target.chatId, placeholder, part.text, {
          entities: toBotApiEntities(part.entities),
        }),
      );
      return true;
    } catch (error) {
      if (isNotModified(error)) return true;
      if (isMessageGone(error)) return false;
      throw error;
    }
  }

  /** Sends with entities; if Telegram still rejects them, the same text goes out plain. */
  private async withEntityFallback<T>(part: FormattedText, send: (p: FormattedText) => Promise<T>): Promise<T> {
    if (part.entities.length === 0) return send(part);
    try {
      return await send(part);
    } catch (error) {
      if (!isEntityError(error)) throw error;
      this.o.onError(error, "entities rejected, sending plain text");
      return send({ text: part.text, entities: [] });
    }
  }

  private async waitForBudget(): Promise<void> {
    const budget = this.o.budget;
    if (!budget) return;
    for (;;) {
      if (budget.tryTake(this.o.now(), 0)) return;
      await this.o.sleep(Math.max(50, budget.waitMs(this.o.now())));
    }
  }
}

function thread(target: AnswerTarget) {
  return target.threadId ? { message_thread_id: target.threadId } : {};
}

function replyTo(target: AnswerTarget) {
  return target.replyToMessageId
    ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
    : {};
}

/** Sends a short durable message (command replies, notices). */
export async function sendNotice(
  api: Api,
  target: Pick<AnswerTarget, "chatId" | "threadId" | "replyToMessageId">,
  text: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const message = await telegramCall("sendMessage", () =>
    api.sendMessage(target.chatId, text, {
      ...(target.threadId ? { message_thread_id: target.threadId } : {}),
      ...(target.replyToMessageId
        ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
        : {}),
      ...extra,
    }),
  );
  return message.message_id;
}
