/**
 * `POST /v1/chat/completions`: records the request, then answers it in vLLM's order of checks —
 * API key, body, model name, context length — or with an injected fault, and hands the rest to
 * the generation loop. Every request is recorded, rejected ones included, so tests can prove
 * what reached the origin and how it ended.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { planGeneration } from "./canned-answer";
import { chatRequestSchema, completionBudget, estimatePromptTokens, reasoningTokensFor } from "./chat-request";
import type { ChatRequest } from "./chat-request";
import { runGeneration } from "./generation";
import type { GenerationContext } from "./generation";
import type { Fault, RecordedRequest } from "./types";
import { errorBody, faultBody, modelNotFound, UNAUTHORIZED_BODY } from "./wire-format";

/** What the handler needs from its server. */
export interface ChatHandlerContext extends GenerationContext {
  modelName: string;
  servedModels: ReadonlySet<string>;
  reasoningTokens: number;
  maxModelLen: number;
  answer: (req: ChatRequest) => string;
  /** Takes the fault for the next request: a queued one first, else the standing one. */
  nextFault: () => Fault | null;
  logLine: (line: string) => void;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const HANDLER = "/v1/chat/completions";

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (part: Buffer) => {
      size += part.length;
      if (size <= MAX_BODY_BYTES) parts.push(part);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(parts).toString("utf8")));
    req.on("error", () => resolve(null));
  });
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The body parsed as JSON; `undefined` when it is missing, too large or not JSON. */
function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Handles one chat completion request from arrival to its last byte. */
export async function handleChatCompletion(
  ctx: ChatHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  authorized: boolean,
): Promise<void> {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const record: RecordedRequest = ctx.log.add({
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    body: null,
    headers: headerRecord(req),
    model: null,
    stream: false,
    startedAt: Date.now(),
    firstTokenAt: null,
    endedAt: null,
    outcome: "running",
    finishReason: null,
    clientAborted: false,
    promptTokens: 0,
    tokensSent: 0,
    contentSent: "",
  });
  const reject = (status: number, body: object, outcome: RecordedRequest["outcome"], headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
    ctx.metrics.httpResponse(HANDLER, "POST", status);
    ctx.log.update(record, { outcome, endedAt: Date.now() });
  };

  if (!authorized) {
    ctx.log.update(record, { body: parseJson(await readBody(req)) ?? null });
    return reject(401, UNAUTHORIZED_BODY, "rejected:401");
  }
  const fault = ctx.nextFault();
  if (fault !== null) ctx.logLine(`chat ${record.id}: injecting fault ${JSON.stringify(fault)}`);
  if (fault?.kind === "refuse-connection") {
    ctx.log.update(record, { outcome: "fault:refuse-connection", endedAt: Date.now() });
    req.socket.destroy();
    return;
  }

  const json = parseJson(await readBody(req));
  ctx.log.update(record, { body: json ?? null });
  if (fault?.kind === "status") {
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
    res.writeHead(fault.status, { "content-type": "application/json", ...headers });
    res.end(fault.body ?? JSON.stringify(faultBody(fault.status)));
    ctx.metrics.httpResponse(HANDLER, "POST", fault.status);
    ctx.log.update(record, { outcome: "fault:status", endedAt: Date.now() });
    return;
  }
  if (json === undefined) return reject(400, errorBody("The request body is not valid JSON.", "BadRequestError", 400), "rejected:400");
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return reject(400, errorBody(message, "BadRequestError", 400), "rejected:400");
  }
  const request = parsed.data;
  const model = request.model ?? ctx.modelName;
  const promptTokens = estimatePromptTokens(request);
  ctx.log.update(record, { model, stream: request.stream === true, promptTokens });
  if (!ctx.servedModels.has(model)) return reject(404, modelNotFound(model), "rejected:404");
  if (promptTokens >= ctx.maxModelLen) {
    const message = `This model's maximum context length is ${ctx.maxModelLen} tokens. However, your request has ${promptTokens} input tokens. Please reduce the length of the input messages.`;
    return reject(400, errorBody(message, "BadRequestError", 400, "input_tokens"), "rejected:400");
  }
  const budget = completionBudget(request);
  if (budget !== null && promptTokens + budget > ctx.maxModelLen) {
    const message = `'max_tokens' or 'max_completion_tokens' is too large: ${budget}. This model's maximum context length is ${ctx.maxModelLen} tokens and your request has ${promptTokens} input tokens (${budget} > ${ctx.maxModelLen} - ${promptTokens}).`;
    return reject(400, errorBody(message, "BadRequestError", 400, "max_tokens"), "rejected:400");
  }

  const plan = planGeneration(request, reasoningTokensFor(request, ctx.reasoningTokens), ctx.answer(request));
  await runGeneration(ctx, { record, request, plan, model, fault, res, signal: controller.signal });
}
