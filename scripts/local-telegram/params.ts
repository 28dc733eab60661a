/**
 * Bot API parameters, read the way Telegram reads them: from the query string, a JSON body, an
 * urlencoded form or multipart form data, all merged. Form values arrive as strings (objects as
 * JSON text), so every getter accepts both the typed value and its string form.
 */
import { z } from "zod";
import { badRequest } from "./errors";
import { readMultipart } from "./multipart";
import type { InlineKeyboardButton, MessageEntity } from "./types";

/** Reads every parameter of a Bot API request into one record. */
export async function readParams(request: Request): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(new URL(request.url).searchParams);
  if (request.method !== "POST") return params;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await request.text();
    if (text.trim() === "") return params;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest("can't parse JSON request body");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("JSON request body must be an object");
    return { ...params, ...(body as Record<string, unknown>) };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const form = type.includes("multipart/form-data") ? await readMultipart(request) : await request.formData();
    // Uploaded files (sendDocument) stay Blobs; every other field is a string.
    for (const [key, value] of form.entries()) params[key] = value;
  }
  return params;
}

const entitySchema = z.looseObject({
  type: z.string(),
  offset: z.number(),
  length: z.number(),
  url: z.string().optional(),
  language: z.string().optional(),
  custom_emoji_id: z.string().optional(),
  user: z.looseObject({ id: z.number(), is_bot: z.boolean(), first_name: z.string() }).optional(),
});

const buttonSchema = z.looseObject({ text: z.string(), callback_data: z.string().optional(), url: z.string().optional() });
const replyMarkupSchema = z.looseObject({ inline_keyboard: z.array(z.array(buttonSchema)).optional() });
const replyParametersSchema = z.looseObject({ message_id: z.number().int(), allow_sending_without_reply: z.boolean().optional() });
const commandSchema = z.object({ command: z.string(), description: z.string() });

/** Typed access to one request's parameters; every failure is Telegram's 400 text. */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null && this.raw[name] !== "";
  }

  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw badRequest(`invalid ${name} specified`);
    return n;
  }

  requireInt(name: string, missing = `${name} is empty`): number {
    const n = this.int(name);
    if (n === undefined) throw badRequest(missing);
    return n;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === "true" || value === "1" || value === 1 || value === "True";
  }

  /** A parameter that is an object or array, given as JSON or as JSON text. */
  json(name: string, what: string): unknown {
    const value = this.raw[name];
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }

  entities(name = "entities"): MessageEntity[] | undefined {
    if (!this.has(name)) return undefined;
    const parsed = z.array(entitySchema).safeParse(this.json(name, "entities"));
    if (!parsed.success) throw badRequest("can't parse entities: entities must be an array of MessageEntity objects");
    return parsed.data;
  }

  inlineKeyboard(): InlineKeyboardButton[][] | undefined {
    if (!this.has("reply_markup")) return undefined;
    const parsed = replyMarkupSchema.safeParse(this.json("reply_markup", "reply keyboard markup"));
    if (!parsed.success) throw badRequest("can't parse reply keyboard markup JSON object");
    const rows = parsed.data.inline_keyboard;
    for (const button of rows?.flat() ?? []) {
      if (button.callback_data === undefined && button.url === undefined) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (button.callback_data !== undefined && new TextEncoder().encode(button.callback_data).length > 64) throw badRequest("BUTTON_DATA_INVALID");
    }
    return rows;
  }

  /** The message to reply to, from `reply_parameters` or the older `reply_to_message_id`. */
  replyTo(): { messageId: number; allowWithoutReply: boolean } | undefined {
    if (this.has("reply_parameters")) {
      const parsed = replyParametersSchema.safeParse(this.json("reply_parameters", "reply parameters"));
      if (!parsed.success) throw badRequest("can't parse reply parameters JSON object");
      return { messageId: parsed.data.message_id, allowWithoutReply: parsed.data.allow_sending_without_reply === true };
    }
    const id = this.int("reply_to_message_id");
    return id === undefined ? undefined : { messageId: id, allowWithoutReply: this.bool("allow_sending_without_reply") };
  }

  commands(): { command: string; description: string }[] {
    const parsed = z.array(commandSchema).safeParse(this.json("commands", "commands"));
    if (!parsed.success) throw badRequest("can't parse commands JSON object");
    return parsed.data;
  }

  /** `allowed_updates` as a list of names, or undefined when not given. */
  stringList(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const parsed = z.array(z.string()).safeParse(this.json(name, name));
    if (!parsed.success) throw badRequest(`can't parse ${name}`);
    return parsed.data;
  }
}
