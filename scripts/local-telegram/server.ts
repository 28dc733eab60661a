/**
 * A local stand-in for the Telegram Bot API server, with a chat page, that behaves like Telegram
 * wherever a bot can tell: the same URLs (`${apiRoot}/bot<token>/<method>`), JSON shapes, error
 * texts, rate limits with 429 `retry_after`, webhook delivery (ordered per chat, retried) and
 * long-polling `getUpdates`.
 *
 * Three users: `npm start` (a person chats with the bot offline in a browser), the test suites
 * (the Telegram the bot talks to, over real HTTP) and the load benchmark.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { Core } from "./core";
import { BotApiError, PortInUseError, WaitTimeoutError } from "./errors";
import type { Limits } from "./limits";
import { resolveLimits } from "./limits";
import { pageRoutes } from "./page-routes";
import { readParams } from "./params";
import type { UserMessageInput } from "./simulated-users";
import { enqueueRawUpdate, pressButton, pressDraftStop, sendUserMessage } from "./simulated-users";
import type { DraftState, RecordedCall, StoredMessage, User, WebhookDelivery } from "./types";

export type { Limits } from "./limits";
export type { DraftState, MessageEntity, RecordedCall, StoredMessage, User, WebhookDelivery } from "./types";
export type { UserMessageInput } from "./simulated-users";

export interface LocalTelegramOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  botToken?: string;
  botUsername?: string;
  /** Defaults to the numeric prefix of `botToken`. */
  botId?: number;
  /** The bot's display name. */
  botName?: string;
  limits?: Partial<Limits>;
  /** Delay before a failed webhook delivery is retried (default 1000 ms). */
  webhookRetryDelayMs?: number;
  /** Receives one line per notable event (calls, webhook failures). Silent by default. */
  log?: (line: string) => void;
}

export interface InjectedFault {
  method: string;
  status: 429 | 400 | 500 | 502;
  /** How many calls fail (default 1). */
  times?: number;
  /** Seconds, for 429 (default 1). */
  retryAfter?: number;
  description?: string;
}

export interface LocalTelegram {
  /** Where the bot points its Bot API client, like "https://api.telegram.org". */
  apiRoot: string;
  /** The chat page. */
  pageUrl: string;
  botToken: string;
  bot: User;
  close(): Promise<void>;
  sendUserMessage(input: UserMessageInput): Promise<{ updateId: number; messageId: number }>;
  /** Presses Stop on a draft sent with `can_stop`; queues a `stopped_message_generation` update. */
  pressDraftStop(chatId: number, draftId: number, threadId?: number): Promise<{ updateId: number }>;
  /** Presses an inline button; queues a `callback_query` update. */
  pressButton(chatId: number, messageId: number, data: string, from?: Partial<User>): Promise<{ updateId: number }>;
  /** Queues any JSON as an update (an `update_id` is added to objects that lack one). */
  enqueueRawUpdate(body: unknown): Promise<number>;
  /** Messages of a chat as they stand now, oldest first; only one thread's when `threadId` is given. */
  chatMessages(chatId: number, threadId?: number): StoredMessage[];
  drafts(chatId: number): DraftState[];
  calls(filter?: { method?: string; chatId?: number }): RecordedCall[];
  webhookDeliveries(): WebhookDelivery[];
  /** The next `times` calls of `method` answer with this Telegram-shaped error. */
  injectFault(fault: InjectedFault): void;
  /** Resolves once `predicate()` holds; rejects with WaitTimeoutError after `timeoutMs` (default 5000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Refills every rate-limit bucket and empties every window. */
  resetLimits(): void;
}

const DEFAULT_BOT_ID = 7_000_000_001;

/** Starts the stand-in; resolves once it listens. Rejects with PortInUseError when the port is taken. */
export async function startLocalTelegram(options: LocalTelegramOptions = {}): Promise<LocalTelegram> {
  const tokenPrefix = Number(options.botToken?.split(":")[0]);
  const botId = options.botId ?? (Number.isSafeInteger(tokenPrefix) && tokenPrefix > 0 ? tokenPrefix : DEFAULT_BOT_ID);
  const botToken = options.botToken ?? `${botId}:AAlocal-telegram-stand-in-token`;
  const bot: User = { id: botId, is_bot: true, first_name: options.botName ?? "gpt-oss", username: options.botUsername ?? "gpt_oss_local_bot" };
  const log = options.log ?? ((): void => {});
  const core = new Core({ botToken, bot, limits: resolveLimits(options.limits), webhookRetryDelayMs: options.webhookRetryDelayMs ?? 1000, log });
  const closers = new Set<() => void>();

  const app = new Hono();
  app.route("/", pageRoutes(core, closers));
  app.all("/:botPath{bot[^/]*}/:method", async (c) => {
    if (c.req.param("botPath") !== `bot${botToken}`) return c.json({ ok: false, error_code: 401, description: "Unauthorized" }, 401);
    let params: Record<string, unknown>;
    try {
      params = await readParams(c.req.raw);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      return Response.json(error.toBody(), { status: error.errorCode });
    }
    const answer = await core.call(c.req.param("method"), params, c.req.raw.signal);
    return Response.json(answer.body, { status: answer.status });
  });
  app.notFound(() => Response.json({ ok: false, error_code: 404, description: "Not Found" }, { status: 404 }));

  const server = createServer(getRequestListener(app.fetch));
  const port = options.port ?? 0;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(error.code === "EADDRINUSE" ? new PortInUseError(port, { cause: error }) : error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("the local Telegram server has no TCP address");
  const root = `http://${host}:${address.port}`;

  const messagesOf = (chatId: number, threadId?: number): StoredMessage[] => {
    const messages = [...(core.store.chats.get(chatId)?.messages.values() ?? [])];
    return structuredClone(threadId === undefined ? messages : messages.filter((m) => m.threadId === threadId));
  };

  return {
    apiRoot: root,
    pageUrl: `${root}/`,
    botToken,
    bot,
    async close() {
      core.webhook.close();
      core.queue.wakePoller();
      for (const close of [...closers]) close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    sendUserMessage: async (input) => sendUserMessage(core, input),
    pressDraftStop: async (chatId, draftId, threadId) => pressDraftStop(core, chatId, draftId, threadId),
    pressButton: async (chatId, messageId, data, from) => pressButton(core, chatId, messageId, data, from),
    enqueueRawUpdate: async (body) => enqueueRawUpdate(core, body),
    chatMessages: messagesOf,
    drafts: (chatId) => structuredClone(core.store.draftsOf(chatId, core.now())),
    calls: (filter = {}) =>
      core.calls
        .filter((c) => (filter.method === undefined || c.method === filter.method) && (filter.chatId === undefined || c.chatId === filter.chatId))
        .map((c) => ({ ...c })),
    webhookDeliveries: () => core.webhook.deliveries.map((d) => ({ ...d })),
    injectFault(fault) {
      core.faults.push({
        method: fault.method,
        status: fault.status,
        remaining: fault.times ?? 1,
        retryAfter: fault.retryAfter ?? 1,
        ...(fault.description === undefined ? {} : { description: fault.description }),
      });
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = performance.now() + timeoutMs;
      while (!predicate()) {
        if (performance.now() > deadline) throw new WaitTimeoutError(`condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    resetLimits: () => core.limiter.reset(),
  };
}
