/** The identity and secrets of the bot in tests (local stand-ins only; not real credentials). */
export const TEST_BOT = {
  id: 7000001,
  token: "7000001:TEST-token-for-local-stand-ins-only",
  username: "gpt_oss_test_bot",
  webhookSecret: "test-webhook-secret_123",
  originApiKey: "test-origin-api-key",
} as const;
