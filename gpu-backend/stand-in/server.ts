/**
 * The vLLM-compatible stand-in model server: `startStandInModel()` listens on a local port and
 * speaks vLLM's OpenAI-compatible HTTP API (`/v1/chat/completions`, `/v1/models`, `/health`,
 * `/metrics`) with deterministic canned answers. It is NOT a model, says so in `/v1/models`
 * (`owned_by: "stand-in (not a model)"`) and in its answers, and exists for offline development,
 * tests and the load bench. Faults and load can be injected while it runs.
 *
 * Built on node:http rather than Hono because the faults need the raw socket (destroy it before
 * answering, or in the middle of a stream) and aborts need the connection's `close` event.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { defaultAnswer } from "./canned-answer";
import { handleChatCompletion } from "./chat-handler";
import type { ChatHandlerContext } from "./chat-handler";
import { ListenError, PortInUseError } from "./errors";
import { RequestLog } from "./request-log";
import { Scheduler } from "./scheduler";
import type { Fault, StandInLoad, StandInModel, StandInOptions } from "./types";
import { VllmMetrics } from "./vllm-metrics";
import { errorBody, modelList } from "./wire-format";

export type { ChatRequest, Fault, RecordedRequest, RequestOutcome, StandInLoad, StandInModel, StandInOptions } from "./types";
export { PortInUseError, ListenError } from "./errors";
export { StandInWaitTimeoutError } from "./request-log";

/** The model a real origin serves, and the stand-in's default name. */
export const DEFAULT_MODEL_NAME = "openai/gpt-oss-20b";

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Same check as vLLM's AuthenticationMiddleware: `Authorization: Bearer <key>`, scheme case-insensitive. */
function hasApiKey(req: IncomingMessage, apiKey: string): boolean {
  const [scheme, ...rest] = (req.headers.authorization ?? "").split(" ");
  return scheme?.toLowerCase() === "bearer" && rest.join(" ") === apiKey;
}

/**
 * Starts a stand-in on `options.port` (default: a free port) of `options.host` (default
 * 127.0.0.1). Rejects with {@link PortInUseError} when the port is taken.
 */
export async function startStandInModel(options: StandInOptions = {}): Promise<StandInModel> {
  const modelName = options.modelName ?? DEFAULT_MODEL_NAME;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const logLine = options.log ?? (() => {});
  const metrics = new VllmMetrics(modelName);
  const scheduler = new Scheduler(options.maxRunning ?? Number.POSITIVE_INFINITY, options.kvCacheTokens ?? 800_000);
  const log = new RequestLog();
  const faultQueue: Fault[] = [];
  let standingFault: Fault | null = null;
  const load: { kvCacheUsage: number | undefined; waiting: number; healthy: boolean } = {
    kvCacheUsage: options.kvCacheUsage,
    waiting: 0,
    healthy: true,
  };
  const createdAt = Math.floor(Date.now() / 1000);
  const maxModelLen = options.maxModelLen ?? 131_072;

  const ctx: ChatHandlerContext = {
    metrics,
    scheduler,
    log,
    ttftMs: options.ttftMs ?? 150,
    tokensPerSecond: options.tokensPerSecond ?? 80,
    reasoningField: options.reasoningField ?? "reasoning",
    modelName,
    servedModels: new Set([modelName, ...(options.extraModels ?? [])]),
    reasoningTokens: options.reasoningTokens ?? 8,
    maxModelLen,
    answer: options.answer ?? defaultAnswer,
    nextFault: () => faultQueue.shift() ?? standingFault,
    logLine,
  };

  const routes = new Map<string, Route>([
    // Like vLLM's instrumentator, /health and /metrics are not counted in http_requests_total.
    // vLLM answers an empty body. Asked for JSON, the stand-in answers like the health sidecar
    // (gpu-backend/health-sidecar/), which is what the Worker's OriginMonitor reads load from.
    ["GET /health", (req, res) => {
      const status = load.healthy ? 200 : 503;
      if (!(req.headers.accept ?? "").includes("application/json")) return void res.writeHead(status).end();
      json(res, status, {
        status: load.healthy ? "ok" : "unhealthy",
        kv_cache_usage: load.kvCacheUsage ?? scheduler.kvCacheUsage(),
        num_requests_waiting: scheduler.waitingCount + load.waiting,
        num_requests_running: scheduler.runningCount,
      });
    }],
    ["GET /metrics", (_req, res) => {
      const waiting = scheduler.waitingCount + load.waiting;
      const text = metrics.render({ running: scheduler.runningCount, waiting, kvCacheUsage: load.kvCacheUsage ?? scheduler.kvCacheUsage() });
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text);
    }],
    ["GET /v1/models", (_req, res) => {
      metrics.httpResponse("/v1/models", "GET", 200);
      json(res, 200, modelList(modelName, options.extraModels ?? [], createdAt, maxModelLen));
    }],
    ["POST /v1/chat/completions", (req, res) => handleChatCompletion(ctx, req, res, options.apiKey === undefined || hasApiKey(req, options.apiKey))],
  ]);
  const knownPaths = new Set([...routes.keys()].map((key) => key.split(" ")[1]));

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    const route = routes.get(`${req.method ?? "GET"} ${path}`);
    const isChat = route !== undefined && path === "/v1/chat/completions";
    if (!isChat && path.startsWith("/v1") && options.apiKey !== undefined && !hasApiKey(req, options.apiKey)) {
      return json(res, 401, { error: "Unauthorized" });
    }
    if (route === undefined) {
      return knownPaths.has(path) ? json(res, 405, { detail: "Method Not Allowed" }) : json(res, 404, { detail: "Not Found" });
    }
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      logLine(`stand-in: ${req.method} ${path} failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) json(res, 500, errorBody("Internal stand-in error.", "InternalServerError", 500));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 75_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(host, port, { cause: error }) : new ListenError(host, port, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new ListenError(host, port);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  logLine(`stand-in (NOT a model) serving "${modelName}" at ${url}`);

  return {
    url,
    modelName,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
    setFault: (fault) => {
      standingFault = fault;
    },
    queueFaults: (faults) => {
      faultQueue.push(...faults);
    },
    setLoad: (next: StandInLoad) => {
      if ("kvCacheUsage" in next) load.kvCacheUsage = next.kvCacheUsage;
      if (next.waiting !== undefined) load.waiting = next.waiting;
      if (next.healthy !== undefined) load.healthy = next.healthy;
    },
    requests: () => log.snapshot(),
    waitForRequests: (n, timeoutMs = 5000) => log.waitFor(() => log.size >= n, `${n} request(s)`, timeoutMs, () => log.size),
    waitForSettled: (n, timeoutMs = 5000) => log.waitFor(() => log.settled >= n, `${n} settled request(s)`, timeoutMs, () => log.settled),
  };
}
