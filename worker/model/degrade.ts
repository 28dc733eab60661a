/**
 * Graceful degradation of requests to an origin under memory pressure.
 *
 * The design document asks to "adjust the quantization level" when GPU memory passes 90%. That
 * cannot be done to a running vLLM (another quantization is another model load, minutes without
 * service), and vLLM preallocates its memory, so raw GPU memory is always near 90%. The signal
 * that really runs out is the KV cache (and, once it is full, the queue of waiting requests). So
 * when an origin reports KV-cache use at or above the threshold, or that many waiting requests,
 * new requests to it are made cheaper: a smaller context budget (fewer history turns), a lower
 * `max_tokens` and `reasoning_effort: "low"`. Routing also orders origins under pressure last,
 * so non-EU chats spill to other regions first (worker/model/origin-router.ts).
 * Policy and numbers: docs/routing.md. Pure.
 */

/** When an origin counts as under pressure, and what its requests get then. */
export interface DegradeSettings {
  /** KV-cache use (0..1) at or above which an origin is under pressure. */
  kvCacheThreshold: number;
  /** Waiting requests at or above which an origin is under pressure. */
  waitingThreshold: number;
  /** Prompt token budget of a degraded request. */
  contextTokenBudget: number;
  /** `max_tokens` of a degraded request. */
  maxOutputTokens: number;
}

/** The load an origin reported through its /health (either may be unknown). */
export interface OriginLoad {
  kvCacheUsage?: number | undefined;
  waiting?: number | undefined;
}

/** What one request may spend. */
export interface RequestBudget {
  contextTokenBudget: number;
  maxOutputTokens: number;
  reasoningEffort: "low" | "medium" | "high";
}

/** True when the reported load reaches either threshold. Unknown load is not pressure. */
export function underPressure(
  load: OriginLoad | undefined,
  settings: Pick<DegradeSettings, "kvCacheThreshold" | "waitingThreshold">,
): boolean {
  if (load === undefined) return false;
  const kv = load.kvCacheUsage;
  const waiting = load.waiting;
  return (kv !== undefined && kv >= settings.kvCacheThreshold) || (waiting !== undefined && waiting >= settings.waitingThreshold);
}

/** The budget of a degraded request: never more than the normal one, reasoning low. */
export function degradedBudget(base: RequestBudget, settings: DegradeSettings): RequestBudget {
  return {
    contextTokenBudget: Math.min(base.contextTokenBudget, settings.contextTokenBudget),
    maxOutputTokens: Math.min(base.maxOutputTokens, settings.maxOutputTokens),
    reasoningEffort: "low",
  };
}

/**
 * How loaded an origin is, for ordering origins of one region: KV-cache use plus the queue as a
 * share of the waiting threshold, divided by the origin's weight (its relative capacity).
 * Unknown load counts as idle.
 */
export function loadScore(load: OriginLoad | undefined, weight: number, settings: Pick<DegradeSettings, "waitingThreshold">): number {
  const kv = load?.kvCacheUsage ?? 0;
  const waiting = (load?.waiting ?? 0) / settings.waitingThreshold;
  return (kv + waiting) / weight;
}
