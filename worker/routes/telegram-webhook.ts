/**
 * POST /telegram/webhook: authenticates Telegram, validates the update, hands it to the chat's
 * Durable Object and answers at once. The model is never called from here: Telegram holds a
 * chat's next update until this request answers, and a slow answer would stall the chat.
 *
 * Answers: 401 wrong or missing secret; 413 body too large; 400 not JSON or not an update;
 * 200 for updates the bot does not handle (so Telegram does not retry them); 200 once stored;
 * 503 if the chat's object could not take it (Telegram retries, and the inbox dedupes).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app";
import { loadConfig } from "../config";
import { chatSession } from "../chat-directory";
import { routeUpdate, updateType, UpdateSchema } from "../telegram/update";
import { secretsEqual } from "../lib/secret-compare";
import { logEvent, logError } from "../lib/log";
import { auditRejectedWebhook } from "../audit/rejections";

/** Telegram's largest updates are a few KiB; anything near this is not from Telegram. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export const telegramWebhook = new Hono<AppEnv>().post("/", async (c) => {
  const config = loadConfig(c.env);
  const presented = c.req.header("x-telegram-bot-api-secret-token") ?? "";
  if (!(await secretsEqual(presented, config.telegram.webhookSecret))) {
    auditRejectedWebhook(c.env, config, (p) => c.executionCtx.waitUntil(p), {
      status: 401, reason: presented === "" ? "missing-secret" : "wrong-secret", colo: c.req.raw.cf?.colo as string | undefined,
    });
    return c.json({ ok: false, error: "unauthorized" }, 401);
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BODY_BYTES) return c.json({ ok: false, error: "body too large" }, 413);
  const raw = await c.req.text();
  if (raw.length > MAX_WEBHOOK_BODY_BYTES) return c.json({ ok: false, error: "body too large" }, 413);

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return c.json({ ok: false, error: "body is not JSON" }, 400);
  }
  const parsed = UpdateSchema.safeParse(json);
  if (!parsed.success) {
    return c.json({ ok: false, error: "not a Telegram update", issues: z.treeifyError(parsed.error) }, 400);
  }
  const update = parsed.data;
  const route = routeUpdate(update, config.telegram.botInfo);
  if (route.action === "ignore") {
    logEvent({ event: "update-ignored", updateId: update.update_id, type: updateType(update), reason: route.reason });
    return c.json({ ok: true, ignored: route.reason });
  }

  const inbound = route.inbound;
  try {
    const result = await chatSession(c.env, config, inbound.chatId).receive(inbound);
    logEvent({ event: "update-received", updateId: inbound.updateId, chatId: inbound.chatId, kind: inbound.kind, result: result.status });
    if (result.status === "rejected") return c.json({ ok: false, error: result.reason }, 400);
    return c.json({ ok: true, status: result.status });
  } catch (error) {
    logError({ event: "handoff-failed", updateId: inbound.updateId, chatId: inbound.chatId, error });
    return c.json({ ok: false, error: "temporarily unavailable" }, 503);
  }
});
