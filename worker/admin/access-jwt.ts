/**
 * Verifies a Cloudflare Access JWT (`Cf-Access-Jwt-Assertion`) with `jose`: RS256 signature
 * against the team's JWKS, issuer `https://<team>.cloudflareaccess.com`, audience = the Access
 * application's AUD tag, and expiry. Failures become an AccessJwtError with a reason the audit
 * log can record; the reason never reaches the HTTP answer.
 * https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/
 */
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { JWTPayload, JWTVerifyGetKey } from "jose";
import type { AccessSettings } from "../audit/settings";

export type AccessDenial =
  | "expired"
  | "wrong-audience"
  | "wrong-issuer"
  | "unknown-key"
  | "bad-signature"
  | "keys-unavailable"
  | "invalid-token";

/** The token did not pass; `reason` is for the audit log only. */
export class AccessJwtError extends Error {
  override readonly name = "AccessJwtError";

  constructor(
    readonly reason: AccessDenial,
    options?: ErrorOptions,
  ) {
    super(`Access JWT rejected: ${reason}`, options);
  }
}

/** Who the token says the caller is. */
export interface AccessIdentity {
  subject: string;
  email?: string | undefined;
  /** Group names and ids, when the Access application passes them as a `groups` claim. */
  groups: string[];
}

const keySets = new Map<string, JWTVerifyGetKey>();

/** The team's JWKS, fetched and cached by jose (per isolate, re-fetched on an unknown `kid`). */
export function remoteKeySet(url: string): JWTVerifyGetKey {
  let keys = keySets.get(url);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    keySets.set(url, keys);
  }
  return keys;
}

/**
 * Checks `token` and returns its identity.
 * @throws AccessJwtError naming why it was rejected.
 */
export async function verifyAccessJwt(
  token: string,
  settings: Pick<AccessSettings, "issuer" | "audience">,
  keys: JWTVerifyGetKey,
  now?: Date,
): Promise<AccessIdentity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ["RS256"],
      clockTolerance: 5,
      ...(now ? { currentDate: now } : {}),
    }));
  } catch (error) {
    throw new AccessJwtError(denialOf(error), { cause: error });
  }
  if (typeof payload.sub !== "string" || payload.sub.length === 0) {
    throw new AccessJwtError("invalid-token");
  }
  return { subject: payload.sub, email: stringClaim(payload.email), groups: groupsOf(payload.groups) };
}

function denialOf(error: unknown): AccessDenial {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "wrong-audience";
    if (error.claim === "iss") return "wrong-issuer";
    return "invalid-token";
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown-key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad-signature";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return "keys-unavailable";
  // jose reports a JWKS answer that is not 200 or not JSON as a generic JOSEError; the token's
  // own defects have specific classes (JWSInvalid, JWTInvalid...).
  if (error instanceof errors.JOSEError) return error.code === "ERR_JOSE_GENERIC" ? "keys-unavailable" : "invalid-token";
  // Not a JOSE error: the key set could not be fetched at all (network).
  return error instanceof TypeError ? "keys-unavailable" : "invalid-token";
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** `groups` as Access passes it: strings, or objects with `name` / `id` (get-identity shape). */
function groupsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const groups: string[] = [];
  for (const item of value) {
    if (typeof item === "string") groups.push(item);
    else if (typeof item === "object" && item !== null) {
      for (const key of ["name", "id"] as const) {
        const v = (item as Record<string, unknown>)[key];
        if (typeof v === "string") groups.push(v);
      }
    }
  }
  return groups;
}
