/**
 * One answer from the model: tries the planned candidates in order and streams the first that works.
 *
 * Failover happens only before the first answer token. Once text has reached the user, switching to
 * another origin would restart the answer mid-sentence, so a later failure is the caller's to
 * report (with the partial text kept). Reasoning is never shown, so a switch after reasoning
 * tokens but before the answer is still invisible.
 *
 * Each candidate carries its own request (a degraded origin gets a smaller one, see degrade.ts)
 * and model name (a per-language adapter, see model-routing.ts). An origin that answers 404 to an
 * adapter name is asked once more with its base model before moving on. The caller hears about
 * every attempt's outcome (`onOutcome`), which feeds the circuit breakers and the OriginMonitor.
 */
import type { Config } from "../config";
import { NoOriginAvailableError, OriginHttpError } from "../lib/errors";
import { isTransientOriginError } from "../lib/transient";
import { streamChatCompletion } from "./sse-stream";
import type { ChatCompletionRequest, ModelEvent } from "./sse-stream";

/** The parts of a request that differ per candidate. */
export interface CandidateRequest {
  messages: ChatCompletionRequest["messages"];
  max_tokens: number;
  reasoning_effort: "low" | "medium" | "high";
}

/** One place to ask, with what to send. `meta` is the caller's, echoed back with every event. */
export interface Candidate<M = undefined> {
  /** The origin id (or "workers-ai"): names it in errors, logs, metrics and breaker reports. */
  id: string;
  /** The full URL, ending in `/v1/chat/completions`. */
  url: string;
  headers: Record<string, string>;
  model: string;
  /** Asked instead when the origin does not serve `model` (404); usually the origin's base model. */
  baseModel: string;
  request: CandidateRequest;
  /** Replaces the global fetch (the Workers AI adapter speaks through this). */
  fetch?: typeof fetch | undefined;
  meta: M;
}

/** How one attempt ended, as far as the circuit breaker cares. */
export type AttemptOutcome =
  | { ok: true; ttftMs: number }
  | { ok: false; error: unknown };

export interface GenerateArgs<M> {
  candidates: readonly Candidate<M>[];
  region: string;
  timeouts: { firstTokenMs: number; stallMs: number };
  signal: AbortSignal;
  /** Called when a candidate is abandoned for the next one (for logs). */
  onFailover?: (candidateId: string, error: unknown) => void;
  /** Called just before each request leaves, with the model asked (a half-open breaker marks its trial here). */
  onAttempt?: (candidate: Candidate<M>, model: string) => void;
  /**
   * Called once per attempt that says something about the origin: `ok` at its first token
   * (answer or reasoning), not ok for a transient failure before it. Our own aborts and
   * permanent errors (a 400) say nothing about the origin and are not reported.
   */
  onOutcome?: (candidate: Candidate<M>, outcome: AttemptOutcome) => void;
  /** Sees each origin response's headers (the metrics read the colo from `cf-ray`). */
  onResponse?: (candidateId: string, headers: Headers) => void;
  fetch?: typeof fetch;
  now?: () => number;
}

export type GenerateEvent<M> = ModelEvent & { originId: string; candidate: Candidate<M> };

/** Request headers for an origin: vLLM's API key and the Cloudflare Access service token. */
export function originHeaders(config: Pick<Config, "originCredentials">, originId: string): Record<string, string> {
  const c = config.originCredentials.get(originId);
  const headers: Record<string, string> = {};
  if (c?.apiKey) headers.authorization = `Bearer ${c.apiKey}`;
  if (c?.accessClientId) headers["cf-access-client-id"] = c.accessClientId;
  if (c?.accessClientSecret) headers["cf-access-client-secret"] = c.accessClientSecret;
  return headers;
}

/** The adapter name was unknown to this origin: vLLM's 404 "The model `x` does not exist." */
function isUnknownModel(error: unknown): boolean {
  return error instanceof OriginHttpError && error.status === 404;
}

export async function* generate<M>(args: GenerateArgs<M>): AsyncGenerator<GenerateEvent<M>> {
  if (args.candidates.length === 0) throw new NoOriginAvailableError(args.region);
  const now = args.now ?? Date.now;
  const baseFetch = args.fetch ?? fetch;
  let lastError: unknown;
  for (const candidate of args.candidates) {
    const models = candidate.model === candidate.baseModel ? [candidate.model] : [candidate.model, candidate.baseModel];
    for (const [attempt, model] of models.entries()) {
      let answering = false;
      let sawToken = false;
      const startedAt = now();
      const viaFetch = candidate.fetch ?? baseFetch;
      args.onAttempt?.(candidate, model);
      try {
        const stream = streamChatCompletion({
          originId: candidate.id,
          url: candidate.url,
          headers: candidate.headers,
          body: { ...candidate.request, model, stream: true, stream_options: { include_usage: true } },
          signal: args.signal,
          firstTokenTimeoutMs: args.timeouts.firstTokenMs,
          stallTimeoutMs: args.timeouts.stallMs,
          fetch: async (input, init) => {
            const response = await viaFetch(input, init);
            args.onResponse?.(candidate.id, response.headers);
            return response;
          },
        });
        for await (const event of stream) {
          if (!sawToken && (event.type === "content" || event.type === "reasoning")) {
            sawToken = true;
            args.onOutcome?.(candidate, { ok: true, ttftMs: now() - startedAt });
          }
          if (event.type === "content") answering = true;
          yield { ...event, originId: candidate.id, candidate };
        }
        return;
      } catch (error) {
        if (answering || args.signal.aborted) throw error;
        if (attempt < models.length - 1 && isUnknownModel(error)) continue; // retry with the base model
        if (!isTransientOriginError(error)) throw error;
        if (!sawToken) args.onOutcome?.(candidate, { ok: false, error });
        lastError = error;
        args.onFailover?.(candidate.id, error);
        break;
      }
    }
  }
  throw new NoOriginAvailableError(args.region, { cause: lastError });
}
