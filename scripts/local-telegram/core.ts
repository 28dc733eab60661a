/**
 * The heart of the stand-in, free of HTTP: the state (chats, updates, webhook, limits), the
 * method table, and `call()`, which runs one Bot API call the way Telegram's front end does:
 * injected faults first, then the method, then a record of what was answered.
 */
import { BotApiError } from "./errors";
import { ChatStore } from "./chat-store";
import { LiveEvents } from "./live-events";
import type { Limits } from "./limits";
import { METHODS } from "./methods";
import { Params } from "./params";
import { RateLimiter } from "./rate-limiter";
import type { RecordedCall, User } from "./types";
import { UpdateQueue } from "./update-queue";
import { WebhookDeliverer } from "./webhook-deliverer";

export interface CoreOptions {
  botToken: string;
  bot: User;
  limits: Limits;
  webhookRetryDelayMs: number;
  log: (line: string) => void;
}

/** A fault armed by `injectFault`. */
export interface Fault {
  method: string;
  status: 429 | 400 | 500 | 502;
  remaining: number;
  retryAfter: number;
  description?: string;
}

/** What the HTTP layer sends back. */
export interface CallAnswer {
  status: number;
  body: Record<string, unknown>;
}

const DEFAULT_FAULT_TEXT: Record<Fault["status"], string> = {
  400: "Bad Request: injected fault",
  429: "Too Many Requests: retry after",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

/** Successful calls of these are too frequent to log (long polls, streaming drafts). */
const QUIET_METHODS = new Set(["getUpdates", "sendMessageDraft", "sendChatAction"]);

export class Core {
  private readonly startedAt = performance.now();
  readonly store: ChatStore;
  readonly queue: UpdateQueue;
  readonly webhook: WebhookDeliverer;
  readonly limiter: RateLimiter;
  readonly events = new LiveEvents();
  readonly calls: RecordedCall[] = [];
  readonly faults: Fault[] = [];

  constructor(readonly options: CoreOptions) {
    this.store = new ChatStore(options.bot);
    this.queue = new UpdateQueue(() => this.now());
    this.limiter = new RateLimiter(options.limits);
    this.webhook = new WebhookDeliverer({
      queue: this.queue,
      retryDelayMs: options.webhookRetryDelayMs,
      now: () => this.now(),
      log: options.log,
      onWebhookReply: (method, params) => void this.call(method, params, AbortSignal.timeout(60_000), true),
    });
  }

  /** Milliseconds since the server started (monotonic). */
  now(): number {
    return performance.now() - this.startedAt;
  }

  /** Runs one Bot API call and records it. */
  async call(method: string, raw: Record<string, unknown>, signal: AbortSignal, viaWebhookReply = false): Promise<CallAnswer> {
    const arrivedMs = this.now();
    const entry = METHODS.get(method.toLowerCase());
    const name = entry?.name ?? method;
    let answer: CallAnswer;
    try {
      if (entry === undefined) throw new BotApiError(404, "Not Found");
      this.takeFault(name);
      const outcome = await entry.handler(this, new Params(raw), signal);
      const body: Record<string, unknown> = { ok: true, result: outcome.result };
      if (outcome.description !== undefined) body.description = outcome.description;
      answer = { status: 200, body };
    } catch (error) {
      if (!(error instanceof BotApiError)) {
        this.options.log(`${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      const apiError = error instanceof BotApiError ? error : new BotApiError(500, "Internal Server Error", undefined, { cause: error });
      answer = { status: apiError.errorCode, body: apiError.toBody() };
    }
    this.record(name, raw, arrivedMs, answer, viaWebhookReply);
    return answer;
  }

  private takeFault(method: string): void {
    const fault = this.faults.find((f) => f.method.toLowerCase() === method.toLowerCase() && f.remaining > 0);
    if (fault === undefined) return;
    fault.remaining -= 1;
    if (fault.status === 429) {
      const text = fault.description ?? `Too Many Requests: retry after ${fault.retryAfter}`;
      throw new BotApiError(429, text, { retry_after: fault.retryAfter });
    }
    throw new BotApiError(fault.status, fault.description ?? DEFAULT_FAULT_TEXT[fault.status]);
  }

  private record(method: string, params: Record<string, unknown>, arrivedMs: number, answer: CallAnswer, viaWebhookReply: boolean): void {
    const call: RecordedCall = { ms: arrivedMs, durationMs: this.now() - arrivedMs, method, params, status: answer.status };
    const chatId = Number(params.chat_id);
    if (params.chat_id !== undefined && Number.isSafeInteger(chatId)) call.chatId = chatId;
    if (typeof answer.body.description === "string" && answer.status !== 200) call.description = answer.body.description;
    const parameters = answer.body.parameters;
    if (typeof parameters === "object" && parameters !== null && "retry_after" in parameters && typeof parameters.retry_after === "number") {
      call.retryAfter = parameters.retry_after;
    }
    if (viaWebhookReply) call.viaWebhookReply = true;
    this.calls.push(call);
    if (answer.status !== 200 || !QUIET_METHODS.has(method)) {
      const suffix = call.description === undefined ? "" : ` ${call.description}`;
      this.options.log(`${method} ${answer.status}${call.chatId === undefined ? "" : ` chat=${call.chatId}`}${suffix}`);
    }
  }
}
