/**
 * One answer from the model: tries the allowed origins in order and streams the first that works.
 *
 * Failover happens only before the first answer token. Once text has reached the user, switching to
 * another origin would restart the answer mid-sentence, so a later failure is the caller's to
 * report (with the partial text kept).
 */
import type { Config, OriginConfig } from "../config";
import { NoOriginAvailableError } from "../lib/errors";
import { isTransientOriginError } from "../lib/transient";
import { streamChatCompletion } from "./sse-stream";
import type { ChatCompletionRequest, ModelEvent } from "./sse-stream";

export interface GenerateArgs {
  candidates: readonly OriginConfig[];
  region: string;
  config: Config;
  request: Omit<ChatCompletionRequest, "model" | "stream" | "stream_options">;
  signal: AbortSignal;
  /** Called when an origin is abandoned for the next one (for logs and metrics). */
  onFailover?: (originId: string, error: unknown) => void;
  fetch?: typeof fetch;
}

export type GenerateEvent = ModelEvent & { originId: string };

/** Request headers for an origin: vLLM's API key and the Cloudflare Access service token. */
export function originHeaders(config: Config, originId: string): Record<string, string> {
  const c = config.originCredentials.get(originId);
  const headers: Record<string, string> = {};
  if (c?.apiKey) headers.authorization = `Bearer ${c.apiKey}`;
  if (c?.accessClientId) headers["cf-access-client-id"] = c.accessClientId;
  if (c?.accessClientSecret) headers["cf-access-client-secret"] = c.accessClientSecret;
  return headers;
}

export async function* generate(args: GenerateArgs): AsyncGenerator<GenerateEvent> {
  if (args.candidates.length === 0) throw new NoOriginAvailableError(args.region);
  let lastError: unknown;
  for (const origin of args.candidates) {
    let started = false;
    try {
      const stream = streamChatCompletion({
        originId: origin.id,
        url: `${origin.url.replace(/\/+$/, "")}/v1/chat/completions`,
        headers: originHeaders(args.config, origin.id),
        body: {
          ...args.request,
          model: origin.model,
          stream: true,
          stream_options: { include_usage: true },
        },
        signal: args.signal,
        firstTokenTimeoutMs: args.config.timeouts.firstTokenMs,
        stallTimeoutMs: args.config.timeouts.stallMs,
        fetch: args.fetch,
      });
      for await (const event of stream) {
        // Reasoning is never shown, so until the first answer token a switch is invisible.
        if (event.type === "content") started = true;
        yield { ...event, originId: origin.id };
      }
      return;
    } catch (error) {
      if (started || args.signal.aborted || !isTransientOriginError(error)) throw error;
      lastError = error;
      args.onFailover?.(origin.id, error);
    }
  }
  throw new NoOriginAvailableError(args.region, { cause: lastError });
}
