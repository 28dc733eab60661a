/**
 * A small client for one streamed chat completion from an OpenAI-compatible origin, keeping every
 * SSE event with the time it arrived. The origin smoke check, the load bench and the stand-in's
 * tests use it to look at the wire exactly as a client sees it: a stream that breaks midway is a
 * result to inspect (events so far plus the error), not an exception.
 */
import { createParser } from "eventsource-parser";

/** One `data:` event as received. */
export interface StreamedEvent {
  /** The raw data text (`[DONE]` included). */
  data: string;
  /** The data parsed as JSON, or `undefined` when it is not JSON (like `[DONE]`). */
  json: unknown;
  /** Clock reading when the event was parsed. */
  at: number;
}

/** Everything one request produced. Times come from the `now` clock given to {@link readChatStream}. */
export interface StreamResult {
  status: number;
  headers: Headers;
  events: StreamedEvent[];
  /** `data: [DONE]` arrived. */
  sawDone: boolean;
  /** The body text when the status was not 2xx. */
  errorBody: string | null;
  /** Why the body ended early (abort, dropped connection), or `null` when it ended cleanly. */
  streamError: unknown;
  startedAt: number;
  headersAt: number;
  endedAt: number;
}

/** The origin could not be reached at all (refused, reset before any response, bad address). */
export class OriginUnreachableError extends Error {
  override readonly name = "OriginUnreachableError";
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(`no response from ${url}`, options);
  }
}

/** Options of {@link readChatStream}. */
export interface ReadChatStreamOptions {
  /** Full URL of the chat completions endpoint. */
  url: string;
  /** The JSON request body. */
  body: unknown;
  /** Extra request headers (authorization, Cloudflare Access service token). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called for each event as it arrives, for example to abort after N chunks. */
  onEvent?: (event: StreamedEvent) => void;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body` and reads the SSE answer to its end. Throws {@link OriginUnreachableError} only
 * when no response arrived; everything after the status line is reported in the result.
 */
export async function readChatStream(options: ReadChatStreamOptions): Promise<StreamResult> {
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...options.headers },
      body: JSON.stringify(options.body),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (cause) {
    throw new OriginUnreachableError(options.url, { cause });
  }
  const headersAt = now();
  const result: StreamResult = {
    status: response.status,
    headers: response.headers,
    events: [],
    sawDone: false,
    errorBody: null,
    streamError: null,
    startedAt,
    headersAt,
    endedAt: headersAt,
  };
  if (!response.ok || response.body === null) {
    result.errorBody = await response.text().catch(() => "");
    result.endedAt = now();
    return result;
  }
  const parser = createParser({
    onEvent: (message) => {
      const event: StreamedEvent = { data: message.data, json: parseJson(message.data), at: now() };
      if (message.data === "[DONE]") result.sawDone = true;
      result.events.push(event);
      options.onEvent?.(event);
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const part of response.body) parser.feed(decoder.decode(part, { stream: true }));
  } catch (error) {
    result.streamError = error;
  }
  result.endedAt = now();
  return result;
}
