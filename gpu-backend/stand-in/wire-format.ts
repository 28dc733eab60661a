/**
 * The JSON that vLLM's OpenAI-compatible server writes, built as plain objects: streaming chunks,
 * the non-streaming response, the model list and error bodies.
 *
 * Shapes follow vLLM's pydantic models serialized with `exclude_unset` (fields it never set are
 * absent): the first chunk is `{"role":"assistant","content":""}`, reasoning arrives in
 * `delta.reasoning` (vLLM before about 0.11: `delta.reasoning_content`), the finishing chunk has an
 * empty `delta` and a `finish_reason`, and the usage chunk has `"choices":[]`.
 * Errors: `{"error":{"message","type","param","code"}}` from the serving layer, but the bare
 * `{"error":"Unauthorized"}` from the API-key middleware.
 */

/** Fields every chunk of one completion shares. */
export interface ChunkHead {
  id: string;
  created: number;
  model: string;
}

type Delta = Record<string, string>;

function chunk(head: ChunkHead, delta: Delta, finishReason: "stop" | "length" | null): object {
  const choice: Record<string, unknown> = { index: 0, delta, logprobs: null, finish_reason: finishReason };
  if (finishReason !== null) choice["stop_reason"] = null;
  return { id: head.id, object: "chat.completion.chunk", created: head.created, model: head.model, choices: [choice] };
}

/** The first chunk: the assistant role with empty content. */
export function roleChunk(head: ChunkHead): object {
  return chunk(head, { role: "assistant", content: "" }, null);
}

/** One reasoning piece, in `delta.reasoning` or the older `delta.reasoning_content`. */
export function reasoningChunk(head: ChunkHead, piece: string, field: "reasoning" | "reasoning_content"): object {
  return chunk(head, { [field]: piece }, null);
}

/** One answer piece in `delta.content`. */
export function contentChunk(head: ChunkHead, piece: string): object {
  return chunk(head, { content: piece }, null);
}

/** The chunk that ends the choice. */
export function finishChunk(head: ChunkHead, finishReason: "stop" | "length"): object {
  return chunk(head, {}, finishReason);
}

/** Token counts as vLLM reports them. */
export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

/** Builds a usage object from prompt and completion counts. */
export function usage(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };
}

/** The usage chunk sent when `stream_options.include_usage` is true: no choices. */
export function usageChunk(head: ChunkHead, counts: Usage): object {
  return { id: head.id, object: "chat.completion.chunk", created: head.created, model: head.model, choices: [], usage: counts };
}

/** Encodes one SSE event the way vLLM writes it: `data: <json>` and a blank line. */
export function sseData(payload: object | "[DONE]"): string {
  return `data: ${payload === "[DONE]" ? payload : JSON.stringify(payload)}\n\n`;
}

/** The whole answer for `stream: false`. */
export function completionResponse(
  head: ChunkHead,
  message: { content: string; reasoning: string; reasoningField: "reasoning" | "reasoning_content" },
  finishReason: "stop" | "length",
  counts: Usage,
): object {
  return {
    id: head.id,
    object: "chat.completion",
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: message.content,
          refusal: null,
          tool_calls: [],
          [message.reasoningField]: message.reasoning === "" ? null : message.reasoning,
        },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    usage: { ...counts, prompt_tokens_details: null },
    prompt_logprobs: null,
  };
}

/** The stand-in's owner label in `/v1/models`: it must never pass for a model. */
export const STAND_IN_OWNER = "stand-in (not a model)";

/** `GET /v1/models`: the base model, then adapters whose `parent` is the base (like vLLM's LoRA entries). */
export function modelList(base: string, extra: readonly string[], created: number, maxModelLen: number): object {
  const entry = (id: string, parent: string | null) => ({
    id,
    object: "model",
    created,
    owned_by: STAND_IN_OWNER,
    root: parent === null ? id : `stand-in-adapter/${id}`,
    parent,
    max_model_len: parent === null ? maxModelLen : null,
    permission: [],
  });
  return { object: "list", data: [entry(base, null), ...extra.map((id) => entry(id, base))] };
}

/** vLLM's serving-layer error body. */
export function errorBody(message: string, type: string, code: number, param: string | null = null): object {
  return { error: { message, type, param, code } };
}

/** vLLM's 404 for an unknown `model`. */
export function modelNotFound(model: string): object {
  return errorBody(`The model \`${model}\` does not exist.`, "NotFoundError", 404, "model");
}

/** The API-key middleware's 401 body, exactly as vLLM sends it. */
export const UNAUTHORIZED_BODY = { error: "Unauthorized" } as const;

/** Error body for an injected status fault. 401 mimics the API-key middleware. */
export function faultBody(status: number): object {
  if (status === 401) return UNAUTHORIZED_BODY;
  const types: Record<number, string> = {
    400: "BadRequestError",
    429: "RateLimitError",
    500: "InternalServerError",
    503: "ServiceUnavailableError",
  };
  return errorBody(`Injected fault: HTTP ${status} from the stand-in.`, types[status] ?? "Error", status);
}
