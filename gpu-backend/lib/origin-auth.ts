/**
 * The two locks in front of a GPU origin, as request headers: the Cloudflare Access service token
 * (checked at Cloudflare's edge before the tunnel) and vLLM's API key (checked by vLLM on /v1/*).
 * Shared by the operator scripts; the Worker builds the same headers from its own secrets.
 */

/** Credentials for one origin; each part is optional so local runs against the stand-in work. */
export interface OriginCredentials {
  /** vLLM's `--api-key`, sent as `Authorization: Bearer …`. */
  apiKey?: string | undefined;
  /** Access service token id, sent as `CF-Access-Client-Id`. */
  accessClientId?: string | undefined;
  /** Access service token secret, sent as `CF-Access-Client-Secret`. */
  accessClientSecret?: string | undefined;
}

/** Request headers carrying `credentials`; parts left out are not sent. */
export function originHeaders(credentials: OriginCredentials, withApiKey = true): Record<string, string> {
  const headers: Record<string, string> = {};
  if (withApiKey && credentials.apiKey) headers["authorization"] = `Bearer ${credentials.apiKey}`;
  if (credentials.accessClientId) headers["cf-access-client-id"] = credentials.accessClientId;
  if (credentials.accessClientSecret) headers["cf-access-client-secret"] = credentials.accessClientSecret;
  return headers;
}

/** Reads credentials from ORIGIN_API_KEY, CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET. */
export function credentialsFromEnv(env: Record<string, string | undefined>): OriginCredentials {
  return {
    apiKey: env["ORIGIN_API_KEY"],
    accessClientId: env["CF_ACCESS_CLIENT_ID"],
    accessClientSecret: env["CF_ACCESS_CLIENT_SECRET"],
  };
}

/** `base` without trailing slashes, so paths can be appended. */
export function trimBase(base: string): string {
  return base.replace(/\/+$/, "");
}
