/**
 * The model streaming client against a real HTTP server that writes SSE exactly as vLLM does,
 * with timing under the test's control.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FirstTokenTimeoutError,
  GenerationAbortedError,
  OriginConnectError,
  OriginHttpError,
  StreamDroppedError,
  StreamStalledError,
} from "../../worker/lib/errors";
import { isTransientOriginError } from "../../worker/lib/transient";
import {
  streamChatCompletion,
  type ChatCompletionRequest,
  type ModelEvent,
  type StreamChatCompletionArgs,
  type StreamSummary,
} from "../../worker/model/sse-stream";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let handler: Handler;
/** Resolves when the current request's connection closes; true if it closed before the end. */
let closedEarly: Promise<boolean>;
let received: { body: unknown; headers: IncomingMessage["headers"] } | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    closedEarly = new Promise((resolve) => res.on("close", () => resolve(!res.writableEnded)));
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      received = { body: JSON.parse(raw) as unknown, headers: req.headers };
      void handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** vLLM's chunk envelope around one choice (or none, for the usage chunk). */
function chunk(choices: unknown[], extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1767225600,
    model: "openai/gpt-oss-20b",
    choices,
    ...extra,
  };
}
const delta = (d: Record<string, unknown>, finish: string | null = null) =>
  chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);

const ROLE = delta({ role: "assistant", content: "" });
const FINISH = chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop", stop_reason: null }]);
const USAGE = chunk([], { usage: { prompt_tokens: 42, total_tokens: 49, completion_tokens: 7 } });

function startSse(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
}
function send(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

/** A complete vLLM answer: role, reasoning, content, finish, usage, [DONE]. */
const fullAnswer: Handler = (_req, res) => {
  startSse(res);
  send(res, ROLE);
  send(res, delta({ reasoning: "The user greets. " }));
  send(res, delta({ reasoning: "Answer briefly." }));
  send(res, delta({ content: "Hello" }));
  send(res, delta({ content: ", world" }, null));
  send(res, FINISH);
  send(res, USAGE);
  send(res, "[DONE]");
  res.end();
};

const request: ChatCompletionRequest = {
  model: "openai/gpt-oss-20b",
  messages: [{ role: "user", content: "Hi" }],
  stream: true,
  stream_options: { include_usage: true },
  reasoning_effort: "low",
};

function args(overrides: Partial<StreamChatCompletionArgs> = {}): StreamChatCompletionArgs {
  return {
    originId: "fra-1",
    url: `${baseUrl}/v1/chat/completions`,
    headers: { authorization: "Bearer test-key" },
    body: request,
    firstTokenTimeoutMs: 300,
    stallTimeoutMs: 150,
    ...overrides,
  };
}

async function collect(gen: AsyncGenerator<ModelEvent, StreamSummary>) {
  const events: ModelEvent[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done === true) return { events, summary: step.value };
    events.push(step.value);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected the stream to fail");
}

const answerOf = (events: ModelEvent[]) =>
  events.flatMap((e) => (e.type === "content" ? [e.text] : [])).join("");

describe("streamChatCompletion", () => {
  it("streams the answer, the finish reason and the usage of a complete response", async () => {
    handler = fullAnswer;
    const { events, summary } = await collect(streamChatCompletion(args()));
    expect(answerOf(events)).toBe("Hello, world");
    expect(events).toContainEqual({ type: "finish", reason: "stop" });
    expect(events.at(-1)).toEqual({ type: "usage", promptTokens: 42, completionTokens: 7 });
    expect(summary).toEqual({ malformedChunks: 0 });
  });

  it("posts the request as JSON with the caller's headers", async () => {
    handler = fullAnswer;
    await collect(streamChatCompletion(args()));
    expect(received?.body).toEqual(request);
    expect(received?.headers.authorization).toBe("Bearer test-key");
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.headers.accept).toBe("text/event-stream");
  });

  it("keeps reasoning out of the answer, from both reasoning and reasoning_content", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ reasoning: "new-style thought" }));
      send(res, delta({ reasoning_content: "old-style thought" }));
      send(res, delta({ content: "Answer." }));
      send(res, FINISH);
      send(res, "[DONE]");
      res.end();
    };
    const { events } = await collect(streamChatCompletion(args()));
    expect(answerOf(events)).toBe("Answer.");
    expect(events.filter((e) => e.type === "reasoning")).toEqual([
      { type: "reasoning", text: "new-style thought" },
      { type: "reasoning", text: "old-style thought" },
    ]);
  });

  it("skips and counts malformed chunks instead of failing", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ content: "one " }));
      send(res, "this is not json");
      send(res, { choices: "not a list" });
      send(res, delta({ content: "two" }));
      send(res, "[DONE]");
      res.end();
    };
    const seen: string[] = [];
    const { events, summary } = await collect(
      streamChatCompletion(args({ onMalformedChunk: (d) => seen.push(d) })),
    );
    expect(answerOf(events)).toBe("one two");
    expect(summary.malformedChunks).toBe(2);
    expect(seen).toEqual(["this is not json", '{"choices":"not a list"}']);
  });

  it("reports a 500 with its body, as a transient error", async () => {
    handler = (_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "error", message: "engine dead" }));
    };
    const error = await failure(collect(streamChatCompletion(args())));
    expect(error).toBeInstanceOf(OriginHttpError);
    expect(error).toMatchObject({ status: 500, originId: "fra-1", retryAfterMs: undefined });
    expect((error as OriginHttpError).body).toContain("engine dead");
    expect(isTransientOriginError(error)).toBe(true);
  });

  it("reads Retry-After from a 429", async () => {
    handler = (_req, res) => {
      res.writeHead(429, { "retry-after": "7" });
      res.end("slow down");
    };
    const error = await failure(collect(streamChatCompletion(args())));
    expect(error).toMatchObject({ name: "OriginHttpError", status: 429, retryAfterMs: 7000, body: "slow down" });
  });

  it("treats a 401 as permanent", async () => {
    handler = (_req, res) => {
      res.writeHead(401);
      res.end();
    };
    const error = await failure(collect(streamChatCompletion(args())));
    expect(error).toMatchObject({ status: 401 });
    expect(isTransientOriginError(error)).toBe(false);
  });

  it("turns an error object inside the stream into an OriginHttpError", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, { error: { object: "error", message: "generation failed", type: "InternalServerError", code: 500 } });
      send(res, "[DONE]");
      res.end();
    };
    const error = await failure(collect(streamChatCompletion(args())));
    expect(error).toMatchObject({ name: "OriginHttpError", status: 500, body: "generation failed" });
  });

  it("times out when no token arrives, and closes the connection", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE); // the role chunk alone is not a token
    };
    const error = await failure(collect(streamChatCompletion(args({ firstTokenTimeoutMs: 100 }))));
    expect(error).toBeInstanceOf(FirstTokenTimeoutError);
    expect(error).toMatchObject({ originId: "fra-1", timeoutMs: 100 });
    expect(await closedEarly).toBe(true);
  });

  it("counts a reasoning token as the first token", async () => {
    handler = async (_req, res) => {
      startSse(res);
      send(res, ROLE);
      for (let i = 0; i < 4; i++) {
        send(res, delta({ reasoning: `thinking ${i} ` }));
        await sleep(60);
      }
      send(res, delta({ content: "Done." }));
      send(res, FINISH);
      send(res, "[DONE]");
      res.end();
    };
    // Content starts after ~240 ms, past the 100 ms first-token limit; reasoning met it.
    const { events } = await collect(streamChatCompletion(args({ firstTokenTimeoutMs: 100 })));
    expect(answerOf(events)).toBe("Done.");
  });

  it("fails a stream that goes silent mid-answer, and closes the connection", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ content: "Half an ans" }));
    };
    const gen = streamChatCompletion(args({ stallTimeoutMs: 100 }));
    const first = await gen.next();
    expect(first.value).toEqual({ type: "content", text: "Half an ans" });
    const error = await failure(gen.next());
    expect(error).toBeInstanceOf(StreamStalledError);
    expect(error).toMatchObject({ originId: "fra-1", silentMs: 100 });
    expect(isTransientOriginError(error)).toBe(true);
    expect(await closedEarly).toBe(true);
  });

  it("does not count the consumer's own slowness as a stall", async () => {
    handler = fullAnswer;
    const gen = streamChatCompletion(args({ stallTimeoutMs: 50 }));
    const events: ModelEvent[] = [];
    for await (const event of gen) {
      events.push(event);
      await sleep(80); // longer than the stall timeout, between pulls
    }
    expect(answerOf(events)).toBe("Hello, world");
  });

  it("reports a dropped connection mid-stream", async () => {
    handler = async (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ content: "Partial" }));
      await sleep(20);
      res.socket?.destroy();
    };
    const gen = streamChatCompletion(args());
    expect((await gen.next()).value).toEqual({ type: "content", text: "Partial" });
    const error = await failure(gen.next());
    expect(error).toBeInstanceOf(StreamDroppedError);
    expect(isTransientOriginError(error)).toBe(true);
  });

  it("reports a response that ends cleanly but without [DONE] as dropped", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ content: "Cut" }));
      send(res, FINISH);
      res.end();
    };
    const error = await failure(collect(streamChatCompletion(args())));
    expect(error).toBeInstanceOf(StreamDroppedError);
  });

  it("aborts the request when the caller stops, so the origin sees the connection close", async () => {
    handler = async (_req, res) => {
      startSse(res);
      send(res, ROLE);
      for (let i = 0; i < 50 && !res.destroyed; i++) {
        send(res, delta({ content: `token${i} ` }));
        await sleep(10);
      }
      send(res, "[DONE]");
      res.end();
    };
    const controller = new AbortController();
    const gen = streamChatCompletion(args({ signal: controller.signal }));
    await gen.next();
    controller.abort("user-stop");
    const error = await failure(collect(gen));
    expect(error).toBeInstanceOf(GenerationAbortedError);
    expect(error).toMatchObject({ reason: "user-stop" });
    expect(isTransientOriginError(error)).toBe(false);
    expect(await closedEarly).toBe(true);
  });

  it("keeps the reason of a GenerationAbortedError given to abort()", async () => {
    handler = (_req, res) => {
      startSse(res);
      send(res, ROLE);
      send(res, delta({ content: "x" }));
    };
    const controller = new AbortController();
    const gen = streamChatCompletion(args({ signal: controller.signal, stallTimeoutMs: 2000 }));
    await gen.next();
    const pending = failure(gen.next());
    controller.abort(new GenerationAbortedError("superseded"));
    expect(await pending).toMatchObject({ name: "GenerationAbortedError", reason: "superseded" });
    expect(await closedEarly).toBe(true);
  });

  it("does not even connect when the signal is already aborted", async () => {
    handler = fullAnswer;
    const error = await failure(
      collect(streamChatCompletion(args({ signal: AbortSignal.abort("shutdown") }))),
    );
    expect(error).toMatchObject({ name: "GenerationAbortedError", reason: "shutdown" });
    expect(received).toBeUndefined();
  });

  it("closes the connection when the consumer breaks out of the loop", async () => {
    handler = async (_req, res) => {
      startSse(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        send(res, delta({ content: `t${i}` }));
        await sleep(10);
      }
      res.end();
    };
    for await (const event of streamChatCompletion(args())) {
      if (event.type === "content") break;
    }
    expect(await closedEarly).toBe(true);
  });

  it("reports an origin that cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      collect(streamChatCompletion(args({ url: `http://127.0.0.1:${port}/v1/chat/completions` }))),
    );
    expect(error).toBeInstanceOf(OriginConnectError);
    expect((error as OriginConnectError).cause).toBeDefined();
    expect(isTransientOriginError(error)).toBe(true);
  });

  it("uses an injected fetch", async () => {
    const body = `data: ${JSON.stringify(delta({ content: "from fake" }))}\n\ndata: [DONE]\n\n`;
    const fakeFetch: typeof fetch = async () =>
      new Response(body, { headers: { "content-type": "text/event-stream" } });
    const { events } = await collect(streamChatCompletion(args({ fetch: fakeFetch })));
    expect(answerOf(events)).toBe("from fake");
  });
});
