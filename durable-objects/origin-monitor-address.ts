/**
 * Where the OriginMonitor lives: one object named `origin-monitor`, addressed through the EU
 * jurisdiction whenever the chats are (the same CHAT_JURISDICTION switch as
 * worker/chat-directory.ts). It sees origin ids, timings and outcomes, no message text, but EU
 * chats' answer metrics pass through it, so it stays where their state is.
 */
import type { Config } from "../worker/config";
import type { Env } from "../worker/env";

export const ORIGIN_MONITOR_NAME = "origin-monitor";

/** The namespace the monitor is addressed in. */
export function originMonitorNamespace(env: Pick<Env, "ORIGIN_MONITOR">, config: Pick<Config, "chatJurisdiction">) {
  return config.chatJurisdiction === "eu" ? env.ORIGIN_MONITOR.jurisdiction("eu") : env.ORIGIN_MONITOR;
}

/** The monitor's stub. */
export function originMonitor(env: Pick<Env, "ORIGIN_MONITOR">, config: Pick<Config, "chatJurisdiction">) {
  const namespace = originMonitorNamespace(env, config);
  return namespace.get(namespace.idFromName(ORIGIN_MONITOR_NAME));
}
