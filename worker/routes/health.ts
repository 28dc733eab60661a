/**
 * GET /health: whether the configuration parses and the bindings exist. Shows the shape of the
 * configuration (origins, regions, jurisdiction), never a secret. 500 names the bad setting.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app";
import { describeConfig, loadConfig } from "../config";

export const health = new Hono<AppEnv>().get("/", (c) => {
  const config = loadConfig(c.env);
  const bindings = { CHAT_SESSION: typeof c.env.CHAT_SESSION?.idFromName === "function" };
  const ok = Object.values(bindings).every(Boolean);
  return c.json({ ok, colo: c.req.raw.cf?.colo, config: describeConfig(config), bindings }, ok ? 200 : 500);
});
