/**
 * Moderation settings, spread into worker/config.ts's schema. Off by default.
 *
 * MODERATION_PROVIDER       "none" (default) or "perspective": the check for non-EU chats
 * MODERATION_EU_PROVIDER    "none" (default) or "eu-classifier": the check for EU chats. There
 *                           is no way to send an EU chat's text to Perspective: EU chats may only
 *                           use a processor located in the EU.
 * MODERATION_THRESHOLD      score at or above which a text is flagged (0-1, default 0.8)
 * MODERATION_TIMEOUT_MS     how long a check may take before it counts as failed (default 3000)
 * MODERATION_HOLD_PREVIEWS  while output moderation is on, show "Thinking…" instead of streaming
 *                           unchecked text (default true; see docs/compliance.md)
 * PERSPECTIVE_URL           the comments:analyze endpoint (default Google's)
 * PERSPECTIVE_API_KEY       secret; required when MODERATION_PROVIDER=perspective
 * MODERATION_EU_CLASSIFIER  JSON `{"url": "...", "region": "eu", "origin": "fra1"}`: a classifier
 *                           served in the EU, typically by the Frankfurt GPU origin; `region`
 *                           must be "eu", and `origin` (optional) names an EU origin whose Access
 *                           service token and API key are sent along
 */
import { z } from "zod";
import type { OriginConfig, OriginCredentials } from "../config";
import { ConfigError } from "../lib/errors";

export const PERSPECTIVE_DEFAULT_URL = "https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const EuClassifierSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  region: z.literal("eu", "must be \"eu\": EU chats' text may only go to a processor in the EU"),
  origin: z.string().optional(),
});

export const ModerationEnvShape = {
  MODERATION_PROVIDER: z.enum(["none", "perspective"]).default("none"),
  MODERATION_EU_PROVIDER: z.enum(["none", "eu-classifier"]).default("none"),
  MODERATION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  MODERATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  MODERATION_HOLD_PREVIEWS: z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
    .transform((v) => v === true || v === "true" || v === "1")
    .default(true),
  PERSPECTIVE_URL: z.url({ protocol: /^https?$/ }).default(PERSPECTIVE_DEFAULT_URL),
  PERSPECTIVE_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  MODERATION_EU_CLASSIFIER: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON object like {\"url\":...,\"region\":\"eu\"}" });
          return z.NEVER;
        }
      })
      .pipe(EuClassifierSchema)
      .optional(),
  ),
};

type ModerationEnv = z.infer<z.ZodObject<typeof ModerationEnvShape>>;

export type GlobalModeration =
  | { provider: "none" }
  | { provider: "perspective"; url: string; apiKey: string; threshold: number };

export type EuModeration =
  | { provider: "none" }
  | { provider: "eu-classifier"; url: string; threshold: number; credentials?: OriginCredentials | undefined };

/** The `moderation` part of the Config. */
export function moderationConfig(
  env: ModerationEnv,
  origins: readonly OriginConfig[],
  credentials: ReadonlyMap<string, OriginCredentials>,
) {
  let global: GlobalModeration = { provider: "none" };
  if (env.MODERATION_PROVIDER === "perspective") {
    if (env.PERSPECTIVE_API_KEY === undefined) {
      throw new ConfigError("PERSPECTIVE_API_KEY", "is not set (needed by MODERATION_PROVIDER=perspective)");
    }
    global = { provider: "perspective", url: env.PERSPECTIVE_URL, apiKey: env.PERSPECTIVE_API_KEY, threshold: env.MODERATION_THRESHOLD };
  }
  let eu: EuModeration = { provider: "none" };
  if (env.MODERATION_EU_PROVIDER === "eu-classifier") {
    const classifier = env.MODERATION_EU_CLASSIFIER;
    if (classifier === undefined) {
      throw new ConfigError("MODERATION_EU_CLASSIFIER", "is not set (needed by MODERATION_EU_PROVIDER=eu-classifier)");
    }
    if (classifier.origin !== undefined) {
      const origin = origins.find((o) => o.id === classifier.origin);
      if (origin?.region !== "eu") {
        throw new ConfigError("MODERATION_EU_CLASSIFIER", `origin "${classifier.origin}" is not an EU origin in ORIGINS`);
      }
    }
    eu = {
      provider: "eu-classifier",
      url: classifier.url,
      threshold: env.MODERATION_THRESHOLD,
      credentials: classifier.origin === undefined ? undefined : credentials.get(classifier.origin),
    };
  }
  return { global, eu, timeoutMs: env.MODERATION_TIMEOUT_MS, holdPreviews: env.MODERATION_HOLD_PREVIEWS };
}
