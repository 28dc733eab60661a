/**
 * Which origins may answer a chat, in the order to try them.
 *
 * Residency is the hard rule: an EU chat's content goes only to EU origins, and when none is
 * usable the answer is "temporarily unavailable", never a detour abroad. Other chats may use
 * every origin, Frankfurt (EU) first because Telegram's servers and our Durable Objects sit in
 * western Europe (see docs/architecture.md), then the rest by weight.
 */
import type { OriginConfig } from "../config";
import type { Residency } from "../chat/residency";

export const EU_REGION = "eu";

/** Pure: the origins a chat of this residency may use, best first. Never widens for EU chats. */
export function allowedOrigins(origins: readonly OriginConfig[], residency: Residency): OriginConfig[] {
  const allowed = residency === "eu" ? origins.filter((o) => o.region === EU_REGION) : [...origins];
  return allowed.sort((a, b) => {
    const regionOrder = Number(b.region === EU_REGION) - Number(a.region === EU_REGION);
    return regionOrder !== 0 ? regionOrder : b.weight - a.weight;
  });
}
