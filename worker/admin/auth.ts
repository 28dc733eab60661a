/**
 * Who may use /admin: a Cloudflare Access JWT whose email or group is allow-listed (production),
 * or the ADMIN_TOKEN bearer secret (local use). The outcome is a value; the route maps it to
 * 401/403/503 with a body that says nothing more than "unauthorized" or "forbidden".
 */
import type { JWTVerifyGetKey } from "jose";
import type { AccessSettings } from "../audit/settings";
import { secretsEqual } from "../lib/secret-compare";
import { AccessJwtError, remoteKeySet, verifyAccessJwt } from "./access-jwt";
import type { AccessDenial, AccessIdentity } from "./access-jwt";

export type AdminPrincipal =
  | ({ method: "access" } & AccessIdentity)
  | { method: "token" };

export type AdminDenial = AccessDenial | "missing-credentials" | "wrong-token" | "not-allowed";

export type AdminAuthResult =
  | { ok: true; principal: AdminPrincipal }
  | { ok: false; status: 401 | 403 | 503; reason: AdminDenial; subject?: string | undefined };

export interface AdminAuthSettings {
  access?: AccessSettings | undefined;
  token?: string | undefined;
  allowedEmails: readonly string[];
  allowedGroups: readonly string[];
}

export interface PresentedCredentials {
  /** `Cf-Access-Jwt-Assertion`. */
  accessJwt?: string | undefined;
  /** `Authorization`. */
  authorization?: string | undefined;
}

export interface AuthDeps {
  keys?: (url: string) => JWTVerifyGetKey;
  compare?: (presented: string, expected: string) => Promise<boolean>;
  now?: Date;
}

/** True when the identity's email or one of its groups is on the allow-list. */
export function isAllowed(identity: AccessIdentity, settings: Pick<AdminAuthSettings, "allowedEmails" | "allowedGroups">): boolean {
  const email = identity.email?.toLowerCase();
  if (email !== undefined && settings.allowedEmails.some((e) => e.toLowerCase() === email)) return true;
  return identity.groups.some((g) => settings.allowedGroups.includes(g));
}

/** A short label of the caller for audit events: the email, the Access subject, or the token. */
export function actorOf(principal: AdminPrincipal): string {
  return principal.method === "token" ? "admin-token" : (principal.email ?? `sub:${principal.subject}`);
}

export async function authenticateAdmin(
  presented: PresentedCredentials,
  settings: AdminAuthSettings,
  deps: AuthDeps = {},
): Promise<AdminAuthResult> {
  const jwt = presented.accessJwt?.trim();
  if (jwt) {
    if (!settings.access) return { ok: false, status: 401, reason: "invalid-token" };
    let identity: AccessIdentity;
    try {
      const keys = (deps.keys ?? remoteKeySet)(settings.access.jwksUrl);
      identity = await verifyAccessJwt(jwt, settings.access, keys, deps.now);
    } catch (error) {
      if (!(error instanceof AccessJwtError)) throw error;
      return { ok: false, status: error.reason === "keys-unavailable" ? 503 : 401, reason: error.reason };
    }
    if (!isAllowed(identity, settings)) {
      return { ok: false, status: 403, reason: "not-allowed", subject: identity.email ?? identity.subject };
    }
    return { ok: true, principal: { method: "access", ...identity } };
  }

  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(presented.authorization ?? "")?.[1];
  if (bearer === undefined) return { ok: false, status: 401, reason: "missing-credentials" };
  if (settings.token === undefined) return { ok: false, status: 401, reason: "wrong-token" };
  const equal = await (deps.compare ?? secretsEqual)(bearer, settings.token);
  return equal ? { ok: true, principal: { method: "token" } } : { ok: false, status: 401, reason: "wrong-token" };
}
