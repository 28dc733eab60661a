/**
 * Webhook delivery as Telegram does it: each update is POSTed as JSON to the webhook URL with the
 * `X-Telegram-Bot-Api-Secret-Token` header; one chat's updates go strictly one at a time and in
 * order (the next waits for the previous' 2xx), different chats in parallel up to
 * `max_connections`; a non-2xx answer, a network error or a timeout is retried after a delay and
 * the chat's later updates keep waiting. https://core.telegram.org/bots/api#setwebhook
 *
 * A 2xx answer whose JSON body names a `method` is executed as a Bot API call, like Telegram's
 * "reply to a webhook" (https://core.telegram.org/bots/api#making-requests-when-getting-updates).
 */
import type { QueuedUpdate, UpdateQueue } from "./update-queue";
import type { WebhookDelivery } from "./types";

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
}

export interface WebhookDelivererOptions {
  queue: UpdateQueue;
  retryDelayMs: number;
  now: () => number;
  log: (line: string) => void;
  /** Runs a Bot API call found in a webhook's answer body. */
  onWebhookReply: (method: string, params: Record<string, unknown>) => void;
  /** How long one POST may take before it counts as failed (Telegram gives up after about 60 s). */
  timeoutMs?: number;
}

export class WebhookDeliverer {
  config: WebhookConfig | undefined;
  lastError: { date: number; message: string } | undefined;
  readonly deliveries: WebhookDelivery[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly attempts = new Map<number, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly closing = new AbortController();
  private active = 0;

  constructor(private readonly options: WebhookDelivererOptions) {
    options.queue.onEnqueue(() => this.pump());
  }

  /** Sets (or replaces) the webhook and starts delivering what is pending. */
  set(config: WebhookConfig): void {
    this.config = config;
    this.pump();
  }

  remove(): void {
    this.config = undefined;
  }

  /** Updates waiting, including those being delivered or waiting for a retry. */
  pendingCount(): number {
    return this.options.queue.pending.size;
  }

  /** Stops every delivery in flight and every scheduled retry. */
  close(): void {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Starts a delivery for each order key whose turn it is, within `max_connections`. */
  pump(): void {
    const config = this.config;
    if (config === undefined || this.closing.signal.aborted) return;
    const seen = new Set<string>();
    for (const update of this.options.queue.pending.values()) {
      if (this.active >= config.maxConnections) return;
      if (seen.has(update.orderKey)) continue;
      seen.add(update.orderKey);
      if (this.busyKeys.has(update.orderKey)) continue;
      void this.deliver(config, update);
    }
  }

  private async deliver(config: WebhookConfig, update: QueuedUpdate): Promise<void> {
    this.busyKeys.add(update.orderKey);
    this.active += 1;
    const attempt = (this.attempts.get(update.updateId) ?? 0) + 1;
    this.attempts.set(update.updateId, attempt);
    const startedMs = this.options.now();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (config.secretToken !== undefined) headers["x-telegram-bot-api-secret-token"] = config.secretToken;
    let status = 0;
    let failure = "";
    let replyBody = "";
    try {
      const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.options.timeoutMs ?? 60_000)]);
      const response = await fetch(config.url, { method: "POST", headers, body: JSON.stringify(update.body), signal });
      status = response.status;
      replyBody = await response.text();
      failure = `Wrong response from the webhook: ${status} ${response.statusText}`;
    } catch (error) {
      failure = describeNetworkError(error);
    }
    this.active -= 1;
    if (this.closing.signal.aborted) return;
    const endMs = this.options.now();
    this.deliveries.push({ updateId: update.updateId, status, attempt, ms: endMs, durationMs: endMs - startedMs });
    if (status >= 200 && status < 300) {
      this.options.queue.remove(update.updateId);
      this.attempts.delete(update.updateId);
      this.busyKeys.delete(update.orderKey);
      this.runWebhookReply(replyBody);
      this.pump();
      return;
    }
    this.lastError = { date: Math.floor(Date.now() / 1000), message: failure };
    this.options.log(`webhook: update ${update.updateId} attempt ${attempt} failed (${failure}); retrying in ${this.options.retryDelayMs} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.busyKeys.delete(update.orderKey);
      this.pump();
    }, this.options.retryDelayMs);
    this.timers.add(timer);
    // A free connection may serve another chat while this one waits for its retry.
    this.pump();
  }

  private runWebhookReply(body: string): void {
    if (body.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return;
    const params = { ...(parsed as Record<string, unknown>) };
    const method = params.method;
    if (typeof method !== "string") return;
    delete params.method;
    this.options.onWebhookReply(method, params);
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "Read timeout expired";
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
  if (code === "ECONNREFUSED") return "Connection refused";
  return `Failed to connect: ${error instanceof Error ? error.message : String(error)}`;
}
