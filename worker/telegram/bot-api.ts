/**
 * The Bot API client: grammY's `Api` with our retry policy installed as a transformer.
 *
 * Two clients share one configuration and differ in how much a failed call is worth:
 * - `durable` is for messages that must arrive (final answers, command replies). A 429 waits
 *   `parameters.retry_after`; 5xx and network errors back off exponentially with full jitter and
 *   a cap. Nothing else is retried: a 400 is our bug or a deleted chat, and retrying cannot help.
 * - `ephemeral` is for drafts, edits of a placeholder and chat actions. A newer update replaces a
 *   lost one, so these never wait: the caller gets the error and skips ahead.
 * `botInfo`-style identity comes from config, so no `getMe` round trip is ever needed.
 */
import { Api, GrammyError, HttpError } from "grammy";
import type { Transformer } from "grammy";
import { fullJitterDelay } from "../lib/backoff";
import { TelegramApiError } from "../lib/errors";

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  capDelayMs: number;
  /** A 429 asking for longer than this is not waited for; the call fails instead. */
  maxRetryAfterMs: number;
}

export const DURABLE_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  capDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

export interface TelegramApis {
  durable: Api;
  ephemeral: Api;
}

export interface ApiOptions {
  token: string;
  apiRoot: string;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A grammY transformer that retries 429, 5xx and network failures per `policy`. */
export function retryTransformer(
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void> = defaultSleep,
  random: () => number = Math.random,
): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= policy.maxAttempts;
      let delayMs: number;
      try {
        const response = await prev(method, payload, signal);
        if (response.ok || last) return response;
        const retryAfter = response.parameters?.retry_after;
        if (response.error_code === 429 && retryAfter !== undefined) {
          delayMs = retryAfter * 1000;
          if (delayMs > policy.maxRetryAfterMs) return response;
        } else if (response.error_code >= 500) {
          delayMs = fullJitterDelay(attempt, { baseMs: policy.baseDelayMs, capMs: policy.capDelayMs }, random);
        } else {
          return response;
        }
      } catch (error) {
        // grammY throws only for network failures here; API errors come back as responses.
        if (last || signal?.aborted) throw error;
        delayMs = fullJitterDelay(attempt, { baseMs: policy.baseDelayMs, capMs: policy.capDelayMs }, random);
      }
      await sleep(delayMs);
    }
  };
}

export function createTelegramApis(options: ApiOptions): TelegramApis {
  const client = { apiRoot: options.apiRoot };
  const durable = new Api(options.token, client);
  durable.config.use(retryTransformer(options.retry ?? DURABLE_RETRY, options.sleep, options.random));
  const ephemeral = new Api(options.token, client);
  return { durable, ephemeral };
}

/** grammY's errors → our named error, once, so callers match on one class. */
export function toTelegramError(error: unknown, method: string): unknown {
  if (error instanceof GrammyError) {
    return new TelegramApiError(method, error.error_code, error.description, error.parameters.retry_after, {
      cause: error,
    });
  }
  if (error instanceof HttpError) {
    return new TelegramApiError(method, 0, `network error: ${error.message}`, undefined, { cause: error });
  }
  return error;
}

/** Calls `fn` and rethrows its failure as a TelegramApiError naming `method`. */
export async function telegramCall<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toTelegramError(error, method);
  }
}

export const isEntityError = (e: unknown) =>
  e instanceof TelegramApiError && e.errorCode === 400 && /can't parse entities|entit/i.test(e.description);
export const isNotModified = (e: unknown) =>
  e instanceof TelegramApiError && e.errorCode === 400 && /message is not modified/i.test(e.description);
export const isMessageGone = (e: unknown) =>
  e instanceof TelegramApiError && e.errorCode === 400 && /message to edit not found|message can't be edited/i.test(e.description);
