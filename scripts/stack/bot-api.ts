/**
 * A minimal Bot API caller for the Node scripts (webhook registration, `npm start`): one POST with
 * a JSON body, the answer checked with zod, failures as a named error carrying Telegram's code and
 * description. The Worker has its own client (worker/telegram/bot-api.ts) with retries; operator
 * scripts want the plain answer and a clear message instead.
 */
import { z } from "zod";

/** Where and as whom to call. */
export interface BotApiTarget {
  /** e.g. "https://api.telegram.org", or the local Telegram's root. */
  apiRoot: string;
  token: string;
  fetch?: typeof fetch;
}

/** Telegram answered `ok: false`, or something that is not a Bot API answer. */
export class BotApiCallError extends Error {
  override readonly name = "BotApiCallError";
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfterS?: number,
    options?: ErrorOptions,
  ) {
    super(`${method}: ${errorCode} ${description}`, options);
  }
}

const answerSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown(), description: z.string().optional() }),
  z.object({
    ok: z.literal(false),
    error_code: z.number(),
    description: z.string(),
    parameters: z.object({ retry_after: z.number().optional() }).optional(),
  }),
]);

/**
 * Calls `method` and returns its `result`.
 * @throws BotApiCallError with Telegram's code (0 when the server could not be reached).
 */
export async function callBotApi(target: BotApiTarget, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const fetchFn = target.fetch ?? fetch;
  const url = `${target.apiRoot.replace(/\/+$/, "")}/bot${target.token}/${method}`;
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new BotApiCallError(method, 0, `cannot reach ${target.apiRoot}: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new BotApiCallError(method, response.status, "the answer is not JSON", undefined, { cause: error });
  }
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) throw new BotApiCallError(method, response.status, "the answer is not a Bot API answer");
  if (parsed.data.ok) return parsed.data.result;
  throw new BotApiCallError(method, parsed.data.error_code, parsed.data.description, parsed.data.parameters?.retry_after);
}

const botSchema = z.looseObject({ id: z.number().int(), username: z.string(), first_name: z.string() });

/** The bot's identity from `getMe`. */
export async function getBotIdentity(target: BotApiTarget): Promise<{ id: number; username: string; firstName: string }> {
  const parsed = botSchema.safeParse(await callBotApi(target, "getMe"));
  if (!parsed.success) throw new BotApiCallError("getMe", 200, "the answer has no bot id and username");
  return { id: parsed.data.id, username: parsed.data.username, firstName: parsed.data.first_name };
}
