/**
 * Three test projects:
 * - unit: pure logic and the Node services (stand-ins, scripts), in Node;
 * - runtime: the Worker and its Durable Objects inside workerd with real SQLite, talking over
 *   HTTP to the local Telegram and the stand-in origins that test/support/global-setup.ts starts;
 * - page: the chat page in Debian's headless Chromium.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_BOT } from "./test/support/test-bot.ts";

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-report.json" }]],
    projects: [
      {
        test: { name: "unit", environment: "node", include: ["test/unit/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TELEGRAM_BOT_TOKEN: TEST_BOT.token,
                TELEGRAM_WEBHOOK_SECRET: TEST_BOT.webhookSecret,
                BOT_USERNAME: TEST_BOT.username,
                TELEGRAM_API_ROOT: inject("telegramApiRoot"),
                ORIGINS: JSON.stringify([
                  { id: "fra1", region: "eu", url: inject("modelEuUrl"), model: "openai/gpt-oss-20b", weight: 2 },
                  { id: "iad1", region: "us", url: inject("modelUsUrl"), model: "openai/gpt-oss-20b" },
                ]),
                ORIGIN_FRA1_API_KEY: TEST_BOT.originApiKey,
                CHAT_JURISDICTION: "none",
                HISTORY_MAX_TURNS: "2",
                RATE_LIMIT_REFILL_SECONDS: "1",
                FIRST_TOKEN_TIMEOUT_MS: "1500",
                STALL_TIMEOUT_MS: "1000",
                DRAFT_INTERVAL_MS: "60",
                GROUP_EDIT_INTERVAL_MS: "200",
                CONTROL_URL: inject("controlUrl"),
                // Compliance: admin auth (local JWKS, bearer token) and moderation via stand-ins.
                ADMIN_TOKEN: inject("adminToken"),
                ACCESS_TEAM_DOMAIN: "test-team.cloudflareaccess.com",
                ACCESS_AUD: "test-access-aud-0123456789abcdef",
                ACCESS_JWKS_URL: inject("jwksUrl"),
                ADMIN_ALLOWED_EMAILS: "auditor@example.com",
                ADMIN_ALLOWED_GROUPS: "compliance",
                MODERATION_PROVIDER: "perspective",
                PERSPECTIVE_URL: inject("perspectiveUrl"),
                PERSPECTIVE_API_KEY: inject("perspectiveKey"),
                MODERATION_EU_PROVIDER: "eu-classifier",
                MODERATION_EU_CLASSIFIER: JSON.stringify({ url: inject("euClassifierUrl"), region: "eu" }),
                // Keep previews streaming so the drafts tests see them; holding is unit-tested.
                MODERATION_HOLD_PREVIEWS: "false",
                // Routing (docs/routing.md): tests trigger the monitor's probes themselves
                // (runDurableObjectAlarm), read a fresh snapshot per message, and use a short
                // breaker cool-down. Six failures open a breaker, so the five failing-origin tests
                // in a row of failures.test.ts never trip it; routing tests reset the monitor.
                ORIGIN_PROBE_INTERVAL_SECONDS: "3600",
                ORIGIN_SNAPSHOT_TTL_SECONDS: "0",
                CIRCUIT_BREAKER_FAILURES: "6",
                CIRCUIT_BREAKER_COOLDOWN_SECONDS: "2",
                // Medium by default, so a degraded request's "low" is visible.
                REASONING_EFFORT: "medium",
                MODEL_BY_LANGUAGE: JSON.stringify({ fr: "gpt-oss-20b-fr-lora" }),
              },
            },
          })),
        ],
        test: {
          name: "runtime",
          include: ["test/runtime/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          // The stand-ins are shared, and faults are injected into them: one file at a time.
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        test: { name: "page", environment: "node", include: ["test/page/**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
