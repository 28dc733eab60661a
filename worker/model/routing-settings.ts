/**
 * Settings of origin routing, spread into worker/config.ts's schema so they are parsed once with
 * everything else and a bad one fails with its name. The policy they tune is in docs/routing.md.
 *
 * ORIGIN_PROBE_INTERVAL_SECONDS     how often the OriginMonitor probes every origin's /health (15)
 * ORIGIN_PROBE_TIMEOUT_MS           a probe without an answer by then marks the origin unhealthy (5000)
 * ORIGIN_SNAPSHOT_TTL_SECONDS       how long a ChatSession reuses the monitor's snapshot (5; 0 = every message)
 * CIRCUIT_BREAKER_FAILURES          failures in a row before an origin is skipped (5)
 * CIRCUIT_BREAKER_COOLDOWN_SECONDS  how long it is skipped before a trial request (30)
 * DEGRADE_KV_CACHE_THRESHOLD        KV-cache use (0..1) from which an origin is under pressure (0.9)
 * DEGRADE_WAITING_REQUESTS          queued requests from which an origin is under pressure (10)
 * DEGRADE_CONTEXT_TOKEN_BUDGET      prompt budget for a request to an origin under pressure (2000)
 * DEGRADE_MAX_OUTPUT_TOKENS         max_tokens for a request to an origin under pressure (768)
 * MODEL_BY_LANGUAGE                 JSON map language → served model name (LoRA adapters), e.g. {"de":"gpt-oss-20b-de-lora"}
 * WORKERS_AI_FALLBACK               last resort for non-EU chats through the AI binding (false)
 */
import { z } from "zod";

const bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
  .transform((v) => v === true || v === "true" || v === "1");

/** A served model name as vLLM's `--served-model-name` / LoRA module names allow. */
const ModelName = z.string().regex(/^[\w.:/@-]{1,200}$/, "a served model name");

const ModelByLanguage = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be a JSON object like {"de":"gpt-oss-20b-de-lora"}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^[a-z]{2,3}$/, "keys are ISO 639-1 codes like de"), ModelName));

export const RoutingEnvShape = {
  ORIGIN_PROBE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  ORIGIN_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  ORIGIN_SNAPSHOT_TTL_SECONDS: z.coerce.number().min(0).max(300).default(5),
  CIRCUIT_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  CIRCUIT_BREAKER_COOLDOWN_SECONDS: z.coerce.number().positive().max(3600).default(30),
  DEGRADE_KV_CACHE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.9),
  DEGRADE_WAITING_REQUESTS: z.coerce.number().int().min(1).max(1_000_000).default(10),
  DEGRADE_CONTEXT_TOKEN_BUDGET: z.coerce.number().int().min(256).max(131_072).default(2000),
  DEGRADE_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(32_768).default(768),
  MODEL_BY_LANGUAGE: ModelByLanguage.default({}),
  WORKERS_AI_FALLBACK: bool.default(false),
};

type RoutingEnv = z.infer<z.ZodObject<typeof RoutingEnvShape>>;

/** The `routing` part of the Config. */
export function routingConfig(env: RoutingEnv) {
  return {
    routing: {
      probeIntervalMs: env.ORIGIN_PROBE_INTERVAL_SECONDS * 1000,
      probeTimeoutMs: env.ORIGIN_PROBE_TIMEOUT_MS,
      snapshotTtlMs: env.ORIGIN_SNAPSHOT_TTL_SECONDS * 1000,
      breaker: {
        failureThreshold: env.CIRCUIT_BREAKER_FAILURES,
        cooldownMs: env.CIRCUIT_BREAKER_COOLDOWN_SECONDS * 1000,
      },
      degrade: {
        kvCacheThreshold: env.DEGRADE_KV_CACHE_THRESHOLD,
        waitingThreshold: env.DEGRADE_WAITING_REQUESTS,
        contextTokenBudget: env.DEGRADE_CONTEXT_TOKEN_BUDGET,
        maxOutputTokens: env.DEGRADE_MAX_OUTPUT_TOKENS,
      },
      modelByLanguage: env.MODEL_BY_LANGUAGE as Readonly<Record<string, string>>,
      workersAiFallback: env.WORKERS_AI_FALLBACK,
    },
  };
}

/** Everything routing reads from the Config. */
export type RoutingSettings = ReturnType<typeof routingConfig>["routing"];
