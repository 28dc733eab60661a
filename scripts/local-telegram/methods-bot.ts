/**
 * Bot-level methods: getMe, the webhook trio, getUpdates, the command list and
 * answerCallbackQuery. https://core.telegram.org/bots/api#getting-updates
 */
import { commandsKey } from "./commands";
import { BotApiError, badRequest } from "./errors";
import type { MethodHandler } from "./method-helpers";

export const getMe: MethodHandler = (core) => ({
  result: {
    ...core.store.bot,
    can_join_groups: true,
    can_read_all_group_messages: true,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  },
});

export const setWebhook: MethodHandler = (core, params) => {
  const url = params.string("url") ?? "";
  if (url === "") return deleteWebhook(core, params, AbortSignal.abort());
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw badRequest("bad webhook: invalid webhook URL specified");
  const secretToken = params.string("secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest("bad webhook: secret token contains unallowed characters");
  }
  const maxConnections = Math.min(100, Math.max(1, params.int("max_connections") ?? 40));
  const allowedUpdates = params.stringList("allowed_updates");
  if (allowedUpdates !== undefined) core.queue.allowedUpdates = allowedUpdates;
  if (params.bool("drop_pending_updates")) core.queue.clear();
  const same = core.webhook.config?.url === url;
  core.webhook.set({
    url,
    maxConnections,
    ...(secretToken === undefined ? {} : { secretToken }),
    ...(core.queue.allowedUpdates === undefined ? {} : { allowedUpdates: core.queue.allowedUpdates }),
  });
  core.queue.wakePoller();
  return { result: true, description: same ? "Webhook is already set" : "Webhook was set" };
};

export const deleteWebhook: MethodHandler = (core, params) => {
  if (params.bool("drop_pending_updates")) core.queue.clear();
  const had = core.webhook.config !== undefined;
  core.webhook.remove();
  return { result: true, description: had ? "Webhook was deleted" : "Webhook is already deleted" };
};

export const getWebhookInfo: MethodHandler = (core) => {
  const config = core.webhook.config;
  const info: Record<string, unknown> = { url: config?.url ?? "", has_custom_certificate: false, pending_update_count: core.webhook.pendingCount() };
  if (config !== undefined) {
    info.max_connections = config.maxConnections;
    info.ip_address = "127.0.0.1";
    if (config.allowedUpdates !== undefined) info.allowed_updates = config.allowedUpdates;
    const lastError = core.webhook.lastError;
    if (lastError !== undefined) {
      info.last_error_date = lastError.date;
      info.last_error_message = lastError.message;
    }
  }
  return { result: info };
};

export const getUpdates: MethodHandler = async (core, params, signal) => {
  const conflict = (): BotApiError =>
    new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  if (core.webhook.config !== undefined) throw conflict();
  const allowedUpdates = params.stringList("allowed_updates");
  if (allowedUpdates !== undefined) core.queue.allowedUpdates = allowedUpdates;
  const limit = Math.min(100, Math.max(1, params.int("limit") ?? 100));
  const timeoutS = Math.max(0, params.int("timeout") ?? 0);
  const result = await core.queue.poll(params.int("offset"), limit, timeoutS, signal);
  // A webhook set while this poll waited makes Telegram refuse it rather than hand over updates.
  if (core.webhook.config !== undefined) throw conflict();
  return { result };
};

export const setMyCommands: MethodHandler = (core, params) => {
  const commands = params.commands();
  if (commands.length > 100) throw badRequest("too many commands");
  for (const { command, description } of commands) {
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
    if (description.trim().length === 0 || description.length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  core.store.commands.set(commandsKey(params.json("scope", "scope"), params.string("language_code") ?? ""), commands);
  core.events.emit({ kind: "commands" });
  return { result: true };
};

export const getMyCommands: MethodHandler = (core, params) => ({
  result: core.store.commands.get(commandsKey(params.json("scope", "scope"), params.string("language_code") ?? "")) ?? [],
});

export const deleteMyCommands: MethodHandler = (core, params) => {
  core.store.commands.delete(commandsKey(params.json("scope", "scope"), params.string("language_code") ?? ""));
  core.events.emit({ kind: "commands" });
  return { result: true };
};

export const answerCallbackQuery: MethodHandler = (core, params) => {
  const query = core.store.callbackQueries.get(params.string("callback_query_id") ?? "");
  if (query === undefined || query.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
  const text = params.string("text");
  query.answered = true;
  query.answer = { showAlert: params.bool("show_alert"), ...(text === undefined ? {} : { text }) };
  core.events.emit({ kind: "callback-answer", chatId: query.chatId, showAlert: query.answer.showAlert, ...(text === undefined ? {} : { text }) });
  return { result: true };
};
