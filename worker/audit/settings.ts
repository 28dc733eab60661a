/**
 * Settings of the audit log and the admin surface, spread into worker/config.ts's schema so they
 * are parsed once with everything else and a bad one fails with its name.
 *
 * AUDIT_RETENTION_DAYS  days an audit event is kept (default 30); shards delete themselves
 * AUDIT_SHARDS          AuditLog objects per region and day (default 8); raise it freely, never
 *                       lower it within the retention window (the export reads shards 0..N-1)
 * AUDIT_LOG_TEXT        also store message text in audit events (default false)
 * ACCESS_TEAM_DOMAIN    `<team>.cloudflareaccess.com`: the JWT issuer and the default JWKS host
 * ACCESS_AUD            the Access application's AUD tag (the JWT audience)
 * ACCESS_JWKS_URL       override of `https://<team>.cloudflareaccess.com/cdn-cgi/access/certs`
 * ADMIN_ALLOWED_EMAILS  comma-separated emails allowed to use /admin
 * ADMIN_ALLOWED_GROUPS  comma-separated Access group names or ids allowed to use /admin
 * ADMIN_TOKEN           secret bearer token for local use (optional; unset in production)
 */
import { z } from "zod";
import { ConfigError } from "../lib/errors";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());
const list = z
  .string()
  .default("")
  .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v.length > 0));

export const AuditEnvShape = {
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  AUDIT_SHARDS: z.coerce.number().int().min(1).max(256).default(8),
  AUDIT_LOG_TEXT: z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
    .transform((v) => v === true || v === "true" || v === "1")
    .default(false),
  ACCESS_TEAM_DOMAIN: optional(
    z.string().regex(/^(https:\/\/)?[a-z0-9][a-z0-9-]*\.cloudflareaccess\.com\/?$/i, "looks like myteam.cloudflareaccess.com"),
  ),
  ACCESS_AUD: optional(z.string().regex(/^[A-Za-z0-9_-]{8,256}$/, "the Access application's AUD tag")),
  ACCESS_JWKS_URL: optional(z.url({ protocol: /^https?$/ })),
  ADMIN_ALLOWED_EMAILS: list,
  ADMIN_ALLOWED_GROUPS: list,
  ADMIN_TOKEN: optional(z.string().min(24, "at least 24 characters")),
};

type AuditEnv = z.infer<z.ZodObject<typeof AuditEnvShape>>;

/** Cloudflare Access settings, present only when both the team and the AUD tag are set. */
export interface AccessSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

/** The `audit` and `admin` parts of the Config. */
export function auditConfig(env: AuditEnv) {
  if ((env.ACCESS_TEAM_DOMAIN === undefined) !== (env.ACCESS_AUD === undefined)) {
    const missing = env.ACCESS_TEAM_DOMAIN === undefined ? "ACCESS_TEAM_DOMAIN" : "ACCESS_AUD";
    throw new ConfigError(missing, "is not set (Access needs both ACCESS_TEAM_DOMAIN and ACCESS_AUD)");
  }
  let access: AccessSettings | undefined;
  if (env.ACCESS_TEAM_DOMAIN !== undefined && env.ACCESS_AUD !== undefined) {
    const host = env.ACCESS_TEAM_DOMAIN.replace(/^https:\/\//i, "").replace(/\/$/, "").toLowerCase();
    const issuer = `https://${host}`;
    access = { issuer, audience: env.ACCESS_AUD, jwksUrl: env.ACCESS_JWKS_URL ?? `${issuer}/cdn-cgi/access/certs` };
  }
  return {
    audit: { retentionDays: env.AUDIT_RETENTION_DAYS, shards: env.AUDIT_SHARDS, logText: env.AUDIT_LOG_TEXT },
    admin: {
      access,
      token: env.ADMIN_TOKEN,
      allowedEmails: env.ADMIN_ALLOWED_EMAILS.map((e) => e.toLowerCase()),
      allowedGroups: env.ADMIN_ALLOWED_GROUPS,
    },
  };
}
