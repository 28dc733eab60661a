import { beforeAll, describe, expect, it } from "vitest";
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from "jose";
import type { CryptoKey, JWK, JWTVerifyGetKey } from "jose";
import { AccessJwtError, verifyAccessJwt } from "../../worker/admin/access-jwt";
import { authenticateAdmin, isAllowed } from "../../worker/admin/auth";
import type { AdminAuthSettings } from "../../worker/admin/auth";

const ISSUER = "https://acme.cloudflareaccess.com";
const AUDIENCE = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const NOW = new Date("2026-11-25T12:00:00Z");
const nowSeconds = Math.floor(NOW.getTime() / 1000);

let key: CryptoKey;
let strangerKey: CryptoKey;
let keys: JWTVerifyGetKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  key = pair.privateKey;
  strangerKey = stranger.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "team-key-1", alg: "RS256", use: "sig" };
  keys = createLocalJWKSet({ keys: [jwk] });
});

interface TokenOptions {
  email?: string;
  groups?: unknown;
  iss?: string;
  aud?: string;
  exp?: number;
  kid?: string;
  signer?: CryptoKey;
}

function token(o: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { email: o.email ?? "auditor@example.com" };
  if (o.groups !== undefined) claims.groups = o.groups;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: o.kid ?? "team-key-1" })
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt(nowSeconds - 60)
    .setExpirationTime(o.exp ?? nowSeconds + 3600)
    .sign(o.signer ?? key);
}

const settings: AdminAuthSettings = {
  access: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: "https://acme.cloudflareaccess.com/cdn-cgi/access/certs" },
  token: "local-admin-token-0123456789abcdef",
  allowedEmails: ["auditor@example.com"],
  allowedGroups: ["compliance"],
};
const deps = () => ({ keys: () => keys, now: NOW, compare: async (a: string, b: string) => a === b });

async function reasonOf(jwt: string): Promise<string> {
  try {
    await verifyAccessJwt(jwt, settings.access!, keys, NOW);
    return "accepted";
  } catch (error) {
    if (error instanceof AccessJwtError) return error.reason;
    throw error;
  }
}

describe("verifyAccessJwt", () => {
  it("accepts a token from the team for this application and returns who it is", async () => {
    const identity = await verifyAccessJwt(await token({ groups: ["compliance", { id: "g-1", name: "legal" }] }), settings.access!, keys, NOW);
    expect(identity).toEqual({
      subject: "7335d417-61da-459d-899c-0a01c76a2f94",
      email: "auditor@example.com",
      groups: ["compliance", "legal", "g-1"],
    });
  });

  it("rejects an expired token", async () => {
    expect(await reasonOf(await token({ exp: nowSeconds - 120 }))).toBe("expired");
  });

  it("rejects a token for another Access application (audience)", async () => {
    expect(await reasonOf(await token({ aud: "another-application-aud" }))).toBe("wrong-audience");
  });

  it("rejects a token from another team (issuer)", async () => {
    expect(await reasonOf(await token({ iss: "https://evil.cloudflareaccess.com" }))).toBe("wrong-issuer");
  });

  it("rejects a token signed with a key the team does not publish", async () => {
    expect(await reasonOf(await token({ kid: "unknown-key", signer: strangerKey }))).toBe("unknown-key");
  });

  it("rejects a token whose signature does not match the published key", async () => {
    expect(await reasonOf(await token({ signer: strangerKey }))).toBe("bad-signature");
  });

  it("rejects garbage", async () => {
    expect(await reasonOf("not.a.jwt")).toBe("invalid-token");
  });
});

describe("authenticateAdmin", () => {
  it("lets an allow-listed email in", async () => {
    const result = await authenticateAdmin({ accessJwt: await token() }, settings, deps());
    expect(result).toMatchObject({ ok: true, principal: { method: "access", email: "auditor@example.com" } });
  });

  it("lets an allow-listed group in, whatever the email", async () => {
    const result = await authenticateAdmin({ accessJwt: await token({ email: "someone@example.com", groups: ["compliance"] }) }, settings, deps());
    expect(result.ok).toBe(true);
  });

  it("answers 403 to a valid token that is not on the allow-list", async () => {
    const result = await authenticateAdmin({ accessJwt: await token({ email: "intern@example.com", groups: ["staff"] }) }, settings, deps());
    expect(result).toEqual({ ok: false, status: 403, reason: "not-allowed", subject: "intern@example.com" });
  });

  it("answers 401 to an expired token and to no credentials at all", async () => {
    expect(await authenticateAdmin({ accessJwt: await token({ exp: nowSeconds - 10 }) }, settings, deps())).toMatchObject({ ok: false, status: 401, reason: "expired" });
    expect(await authenticateAdmin({}, settings, deps())).toMatchObject({ ok: false, status: 401, reason: "missing-credentials" });
  });

  it("accepts the admin bearer token, and only that one", async () => {
    expect(await authenticateAdmin({ authorization: `Bearer ${settings.token}` }, settings, deps())).toEqual({ ok: true, principal: { method: "token" } });
    expect(await authenticateAdmin({ authorization: "Bearer guess" }, settings, deps())).toMatchObject({ ok: false, status: 401, reason: "wrong-token" });
    expect(await authenticateAdmin({ authorization: `Bearer ${settings.token}` }, { ...settings, token: undefined }, deps())).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses a JWT when Access is not configured", async () => {
    expect(await authenticateAdmin({ accessJwt: await token() }, { ...settings, access: undefined }, deps())).toMatchObject({ ok: false, status: 401 });
  });
});

describe("isAllowed", () => {
  it("compares emails without case", () => {
    expect(isAllowed({ subject: "s", email: "Auditor@Example.com", groups: [] }, settings)).toBe(true);
    expect(isAllowed({ subject: "s", groups: ["Compliance"] }, settings)).toBe(false);
  });
});
