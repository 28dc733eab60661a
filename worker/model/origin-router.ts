/**
 * Which origins may answer a chat, and in which order to try them.
 *
 * Residency is the hard rule: an EU chat's content goes only to EU origins, and when none is
 * usable the answer is "temporarily unavailable", never a detour abroad. Nothing below (health,
 * breakers, load, the Workers AI fallback) ever widens the EU list; it only removes origins from
 * it or reorders it.
 *
 * Within what residency allows, origins are:
 * 1. skipped while their circuit breaker is open, or while a fresh /health probe says unhealthy;
 * 2. ordered: origins under pressure (KV cache or queue over the degrade thresholds) last, so
 *    non-EU chats spill to other regions before anyone is degraded; then EU first (Frankfurt),
 *    because Telegram's servers and our Durable Objects sit in western Europe and the EU origin is
 *    the nearest for every chat (see docs/routing.md); then the least loaded for its weight.
 * Pure: the monitor's view of each origin and the time are arguments.
 */
import type { OriginConfig } from "../config";
import type { Residency } from "../chat/residency";
import { breakerAllows, breakerPhase, closedBreaker } from "./circuit-breaker";
import type { BreakerOptions, BreakerPhase, BreakerState } from "./circuit-breaker";
import { loadScore, underPressure } from "./degrade";
import type { DegradeSettings } from "./degrade";

export const EU_REGION = "eu";

/** Pure: the origins a chat of this residency may use, best first. Never widens for EU chats. */
export function allowedOrigins(origins: readonly OriginConfig[], residency: Residency): OriginConfig[] {
  const allowed = residency === "eu" ? origins.filter((o) => o.region === EU_REGION) : [...origins];
  return allowed.sort((a, b) => {
    const regionOrder = Number(b.region === EU_REGION) - Number(a.region === EU_REGION);
    return regionOrder !== 0 ? regionOrder : b.weight - a.weight;
  });
}

/** What the OriginMonitor knows about one origin, as routing needs it. */
export interface OriginCondition {
  /** False when the last fresh /health probe failed; undefined when there is no fresh probe. */
  healthy: boolean | undefined;
  breaker: BreakerState;
  kvCacheUsage?: number | undefined;
  waiting?: number | undefined;
}

/** One origin to try, with how to treat the request. */
export interface RoutedOrigin {
  origin: OriginConfig;
  /** Under pressure: send the degraded request (docs/routing.md). */
  degraded: boolean;
  /** "half-open": this request is the breaker's trial. */
  phase: BreakerPhase;
}

export type SkipReason = "breaker-open" | "unhealthy";

export interface RoutePlan {
  /** Best first. Empty: tell the user the bot is temporarily unavailable. */
  candidates: RoutedOrigin[];
  /** Allowed origins left out, and why (for logs). */
  skipped: { id: string; reason: SkipReason }[];
}

export interface RouteInput {
  origins: readonly OriginConfig[];
  residency: Residency;
  /** By origin id; an origin without an entry is unknown: healthy, breaker closed, load unknown. */
  conditions: ReadonlyMap<string, OriginCondition>;
  now: number;
  breaker: BreakerOptions;
  degrade: Pick<DegradeSettings, "kvCacheThreshold" | "waitingThreshold">;
}

const UNKNOWN: OriginCondition = { healthy: undefined, breaker: closedBreaker() };

/** Pure: the origins to try for one answer, best first, and the ones skipped. */
export function planRoute(input: RouteInput): RoutePlan {
  const skipped: RoutePlan["skipped"] = [];
  const ranked: { routed: RoutedOrigin; score: number }[] = [];
  for (const origin of allowedOrigins(input.origins, input.residency)) {
    const condition = input.conditions.get(origin.id) ?? UNKNOWN;
    if (!breakerAllows(condition.breaker, input.now, input.breaker)) {
      skipped.push({ id: origin.id, reason: "breaker-open" });
      continue;
    }
    if (condition.healthy === false) {
      skipped.push({ id: origin.id, reason: "unhealthy" });
      continue;
    }
    ranked.push({
      routed: {
        origin,
        degraded: underPressure(condition, input.degrade),
        phase: breakerPhase(condition.breaker, input.now, input.breaker),
      },
      score: loadScore(condition, origin.weight, input.degrade),
    });
  }
  ranked.sort((a, b) =>
    Number(a.routed.degraded) - Number(b.routed.degraded) ||
    Number(b.routed.origin.region === EU_REGION) - Number(a.routed.origin.region === EU_REGION) ||
    a.score - b.score ||
    b.routed.origin.weight - a.routed.origin.weight ||
    a.routed.origin.id.localeCompare(b.routed.origin.id),
  );
  return { candidates: ranked.map((r) => r.routed), skipped };
}
