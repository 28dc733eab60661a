/**
 * Every setting the Worker and its Durable Objects read, parsed once with zod.
 *
 * Vars come from wrangler.toml, secrets from `wrangler secret put` (or `.dev.vars` locally).
 * A missing or malformed setting throws a ConfigError that names it, so a bad deploy fails on its
 * first request with a message an operator can act on, instead of misbehaving later.
 */
import { z } from "zod";
import { ConfigError } from "./lib/errors";
import { AuditEnvShape, auditConfig } from "./audit/settings";
import { ModerationEnvShape, moderationConfig } from "./moderation/settings";
import { RoutingEnvShape, routingConfig } from "./model/routing-settings";

const intFromString = (min: number, max: number) =>
  z.coerce.number().int().min(min).max(max);

const boolFromString = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
  .transform((v) => v === true || v === "true" || v === "1");

/** One GPU origin: a vLLM server behind Cloudflare Tunnel (see docs/gpu-origin.md). */
export const OriginSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, "lowercase letters, digits and dashes"),
  region: z.string().regex(/^[a-z]{2,8}$/),
  url: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1).default("openai/gpt-oss-20b"),
  weight: z.number().positive().default(1),
});
export type OriginConfig = z.infer<typeof OriginSchema>;

/** Credentials of one origin, found by convention: ORIGIN_<ID>_ACCESS_CLIENT_ID etc. */
export interface OriginCredentials {
  accessClientId?: string;
  accessClientSecret?: string;
  apiKey?: string;
}

const DEFAULT_SYSTEM_PROMPT =
  "You are a helpful assistant in a Telegram chat. Answer clearly and concisely. " +
  "Use Markdown sparingly: short paragraphs, lists and code blocks when they help.";

const EnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "looks like 123456:ABC-DEF..."),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 of A-Z a-z 0-9 _ -"),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  BOT_USERNAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/),
  BOT_FIRST_NAME: z.string().min(1).default("gpt-oss"),
  ORIGINS: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON array of origins" });
        return z.NEVER;
      }
    })
    .pipe(z.array(OriginSchema).min(1)),
  SYSTEM_PROMPT: z.string().min(1).default(DEFAULT_SYSTEM_PROMPT),
  HISTORY_MAX_TURNS: intFromString(0, 100).default(5),
  CONTEXT_TOKEN_BUDGET: intFromString(256, 131072).default(6000),
  MAX_OUTPUT_TOKENS: intFromString(16, 32768).default(2048),
  REASONING_EFFORT: z.enum(["low", "medium", "high"]).default("low"),
  MAX_INPUT_CHARS: intFromString(1, 100000).default(4000),
  RATE_LIMIT_BURST: intFromString(1, 1000).default(3),
  RATE_LIMIT_REFILL_SECONDS: z.coerce.number().positive().max(3600).default(4),
  RESIDENCY_POLICY: z.enum(["by-language", "all-eu"]).default("by-language"),
  /** "eu" in staging and production; "none" only where jurisdictions do not exist (local workerd). */
  CHAT_JURISDICTION: z.enum(["eu", "none"]).default("eu"),
  FIRST_TOKEN_TIMEOUT_MS: intFromString(100, 600000).default(30000),
  STALL_TIMEOUT_MS: intFromString(100, 600000).default(20000),
  DRAFT_INTERVAL_MS: intFromString(50, 10000).default(250),
  GROUP_EDIT_INTERVAL_MS: intFromString(200, 60000).default(1000),
  LOG_MESSAGE_TEXT: boolFromString.default(false),
  ...AuditEnvShape,
  ...ModerationEnvShape,
  ...RoutingEnvShape,
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof EnvSchema>, raw: Record<string, unknown>) {
  const botId = Number(env.TELEGRAM_BOT_TOKEN.split(":")[0]);
  const credentials = new Map<string, OriginCredentials>();
  for (const origin of env.ORIGINS) {
    const prefix = `ORIGIN_${origin.id.toUpperCase().replace(/-/g, "_")}_`;
    const pick = (name: string) => {
      const v = raw[prefix + name];
      return typeof v === "string" && v.length > 0 ? v : undefined;
    };
    credentials.set(origin.id, {
      accessClientId: pick("ACCESS_CLIENT_ID"),
      accessClientSecret: pick("ACCESS_CLIENT_SECRET"),
      apiKey: pick("API_KEY"),
    });
  }
  return {
    telegram: {
      token: env.TELEGRAM_BOT_TOKEN,
      webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: env.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      botInfo: { id: botId, username: env.BOT_USERNAME, firstName: env.BOT_FIRST_NAME },
    },
    origins: env.ORIGINS,
    originCredentials: credentials,
    chat: {
      systemPrompt: env.SYSTEM_PROMPT,
      historyMaxTurns: env.HISTORY_MAX_TURNS,
      contextTokenBudget: env.CONTEXT_TOKEN_BUDGET,
      maxOutputTokens: env.MAX_OUTPUT_TOKENS,
      reasoningEffort: env.REASONING_EFFORT,
      maxInputChars: env.MAX_INPUT_CHARS,
      rateLimit: { burst: env.RATE_LIMIT_BURST, refillEveryMs: env.RATE_LIMIT_REFILL_SECONDS * 1000 },
      residencyPolicy: env.RESIDENCY_POLICY,
    },
    chatJurisdiction: env.CHAT_JURISDICTION,
    timeouts: { firstTokenMs: env.FIRST_TOKEN_TIMEOUT_MS, stallMs: env.STALL_TIMEOUT_MS },
    streaming: { draftIntervalMs: env.DRAFT_INTERVAL_MS, groupEditIntervalMs: env.GROUP_EDIT_INTERVAL_MS },
    logMessageText: env.LOG_MESSAGE_TEXT,
    ...auditConfig(env),
    moderation: moderationConfig(env, env.ORIGINS, credentials),
    ...routingConfig(env),
  };
}

const cache = new WeakMap<object, Config>();

/**
 * Parses the environment once per isolate (cached by the env object's identity).
 * @throws ConfigError naming the first bad setting.
 */
export function loadConfig(env: object): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const raw = env as Record<string, unknown>;
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? "environment");
    const present = raw[setting] !== undefined;
    throw new ConfigError(
      setting,
      present ? `is malformed: ${issue?.message ?? "invalid"}` : "is not set",
    );
  }
  const config = toConfig(parsed.data, raw);
  cache.set(env, config);
  return config;
}

/** What /health may show: shape of the configuration, never secrets. */
export function describeConfig(config: Config) {
  return {
    botUsername: config.telegram.botInfo.username,
    telegramApiRoot: config.telegram.apiRoot,
    chatJurisdiction: config.chatJurisdiction,
    residencyPolicy: config.chat.residencyPolicy,
    origins: config.origins.map((o) => ({
      id: o.id,
      region: o.region,
      model: o.model,
      hasAccessToken: Boolean(config.originCredentials.get(o.id)?.accessClientId),
    })),
  };
}
