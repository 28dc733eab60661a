/**
 * The Worker's HTTP surface (Hono). Routes are thin; errors map to HTTP once, here.
 */
import { Hono } from "hono";
import type { Env } from "./env";
import { ConfigError } from "./lib/errors";
import { logError } from "./lib/log";
import { telegramWebhook } from "./routes/telegram-webhook";
import { health } from "./routes/health";
import { admin } from "./routes/admin";

export type AppEnv = { Bindings: Env };

export function createApp() {
  const app = new Hono<AppEnv>();
  app.route("/telegram/webhook", telegramWebhook);
  app.route("/health", health);
  app.route("/admin", admin);
  app.notFound((c) => c.json({ ok: false, error: "not found" }, 404));
  app.onError((error, c) => {
    if (error instanceof ConfigError) {
      logError({ event: "config-error", setting: error.setting, error });
      return c.json({ ok: false, error: "misconfigured", setting: error.setting, detail: error.message }, 500);
    }
    logError({ event: "unhandled", path: c.req.path, error });
    return c.json({ ok: false, error: "internal error" }, 500);
  });
  return app;
}
