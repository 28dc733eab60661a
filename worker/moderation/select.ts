/**
 * Which moderator a chat gets, by residency. The rule that matters: an EU chat gets the EU
 * classifier or nothing, whatever else is configured; Perspective (Google, outside the EU) is
 * reachable only from non-EU chats.
 */
import type { Config } from "../config";
import type { Residency } from "../chat/residency";
import { EuClassifierModerator } from "./eu-classifier";
import type { Fetcher, Moderator } from "./moderator";
import { NO_MODERATION } from "./moderator";
import { PerspectiveModerator } from "./perspective";

export function moderatorFor(settings: Config["moderation"], residency: Residency, fetcher?: Fetcher): Moderator {
  const timeoutMs = settings.timeoutMs;
  if (residency === "eu") {
    const eu = settings.eu;
    if (eu.provider === "none") return NO_MODERATION;
    return new EuClassifierModerator({ url: eu.url, threshold: eu.threshold, timeoutMs, credentials: eu.credentials, fetch: fetcher });
  }
  const global = settings.global;
  if (global.provider === "none") return NO_MODERATION;
  return new PerspectiveModerator({ url: global.url, apiKey: global.apiKey, threshold: global.threshold, timeoutMs, fetch: fetcher });
}
