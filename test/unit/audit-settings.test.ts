import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";

const BASE_ENV = {
  TELEGRAM_BOT_TOKEN: "7000001:TEST-token-for-local-stand-ins-only",
  TELEGRAM_WEBHOOK_SECRET: "secret",
  BOT_USERNAME: "gpt_oss_test_bot",
  ORIGINS: JSON.stringify([{ id: "fra1", region: "eu", url: "https://gpu-fra1.example.com" }]),
};

describe("audit and admin settings", () => {
  it("keeps 30 days in 8 shards without text by default, with no admin access", () => {
    const config = loadConfig({ ...BASE_ENV });
    expect(config.audit).toEqual({ retentionDays: 30, shards: 8, logText: false });
    expect(config.admin).toEqual({ access: undefined, token: undefined, allowedEmails: [], allowedGroups: [] });
  });

  it("derives the issuer and the JWKS address from the team domain", () => {
    const config = loadConfig({
      ...BASE_ENV,
      ACCESS_TEAM_DOMAIN: "https://Acme.cloudflareaccess.com/",
      ACCESS_AUD: "4714c1358e65fe4b408ad6d432a5f878",
      ADMIN_ALLOWED_EMAILS: " Auditor@Example.com, dpo@example.com ",
      ADMIN_ALLOWED_GROUPS: "compliance,legal",
    });
    expect(config.admin.access).toEqual({
      issuer: "https://acme.cloudflareaccess.com",
      audience: "4714c1358e65fe4b408ad6d432a5f878",
      jwksUrl: "https://acme.cloudflareaccess.com/cdn-cgi/access/certs",
    });
    expect(config.admin.allowedEmails).toEqual(["auditor@example.com", "dpo@example.com"]);
    expect(config.admin.allowedGroups).toEqual(["compliance", "legal"]);
  });

  it("names the missing half of the Access settings", () => {
    expect(() => loadConfig({ ...BASE_ENV, ACCESS_TEAM_DOMAIN: "acme.cloudflareaccess.com" })).toThrow(/ACCESS_AUD/);
  });

  it("refuses a team domain that is not Cloudflare Access, and a short admin token", () => {
    expect(() => loadConfig({ ...BASE_ENV, ACCESS_TEAM_DOMAIN: "evil.example.com", ACCESS_AUD: "abcdefgh12" })).toThrow(/ACCESS_TEAM_DOMAIN/);
    expect(() => loadConfig({ ...BASE_ENV, ADMIN_TOKEN: "short" })).toThrow(/ADMIN_TOKEN/);
  });

  it("reads the retention, shard count and text switch", () => {
    const config = loadConfig({ ...BASE_ENV, AUDIT_RETENTION_DAYS: "7", AUDIT_SHARDS: "32", AUDIT_LOG_TEXT: "true" });
    expect(config.audit).toEqual({ retentionDays: 7, shards: 32, logText: true });
    expect(() => loadConfig({ ...BASE_ENV, AUDIT_SHARDS: "0" })).toThrow(/AUDIT_SHARDS/);
  });
});
