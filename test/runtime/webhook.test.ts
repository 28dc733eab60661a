/**
 * The webhook edge inside workerd: authentication, validation, routing, handoff, /health.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { botMessages, newChatId, userSays, waitForBotMessages, webhook } from "../support/harness";
import { MAX_WEBHOOK_BODY_BYTES } from "../../worker/routes/telegram-webhook";

const worker = (exports as unknown as { default: Fetcher }).default;

describe("POST /telegram/webhook", () => {
  it("rejects a missing secret with 401", async () => {
    const response = await webhook({ update_id: 1 }, null);
    expect(response.status).toBe(401);
  });

  it("rejects a forged secret with 401 and does not leak the expected one", async () => {
    const response = await webhook({ update_id: 1 }, "not-the-secret");
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("test-webhook-secret");
  });

  it("answers 400 to a body that is not JSON", async () => {
    const response = await webhook("{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: "body is not JSON" });
  });

  it("answers 400 to JSON that is not an update", async () => {
    for (const body of [{ hello: "world" }, { update_id: -5 }, { update_id: "7" }, [1, 2]]) {
      const response = await webhook(body);
      expect(response.status).toBe(400);
    }
  });

  it("answers 400 to a message whose chat is malformed", async () => {
    const response = await webhook({ update_id: 10, message: { message_id: 1, chat: { id: "x" } } });
    expect(response.status).toBe(400);
  });

  it("answers 413 to an oversized body without reading it as an update", async () => {
    const response = await webhook(JSON.stringify({ update_id: 11, pad: "x".repeat(MAX_WEBHOOK_BODY_BYTES) }));
    expect(response.status).toBe(413);
  });

  it("acknowledges update types it does not handle with 200 so Telegram does not retry them", async () => {
    const poll = await webhook({ update_id: 12, poll: { id: "p", question: "?", options: [] } });
    expect(poll.status).toBe(200);
    expect(await poll.json()).toMatchObject({ ok: true, ignored: expect.stringContaining("poll") });
    const edited = await webhook({
      update_id: 13,
      edited_message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, text: "x" },
    });
    expect(edited.status).toBe(200);
  });

  it("ignores group chatter that does not address the bot", async () => {
    const chatId = -100_555;
    const { response } = await userSays({ chatId, chatType: "group", text: "just people talking" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ignored: "group message not addressed to the bot" });
  });

  it("acknowledges a text message at once and the answer arrives afterwards", async () => {
    const chatId = newChatId();
    const { response } = await userSays({ chatId, text: "Hello there" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, status: "accepted" });
    const [answer] = await waitForBotMessages(chatId, 1);
    expect(answer?.text).toContain("Hello there");
  });

  it("answers a redelivered update only once", async () => {
    const chatId = newChatId();
    const first = await userSays({ chatId, text: "count me once" });
    const again = await webhook(first.update);
    expect(await again.json()).toMatchObject({ ok: true, status: "duplicate" });
    await waitForBotMessages(chatId, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await botMessages(chatId)).toHaveLength(1);
  });
});

describe("GET /health", () => {
  it("reports the configuration shape and bindings without secrets", async () => {
    const response = await worker.fetch("https://bot.example/health");
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({
      ok: true,
      bindings: { CHAT_SESSION: true },
      config: { botUsername: "gpt_oss_test_bot", origins: [{ id: "fra1", region: "eu" }, { id: "iad1", region: "us" }] },
    });
    expect(body).not.toContain("TEST-token");
    expect(body).not.toContain("test-origin-api-key");
  });

  it("answers 404 with JSON for unknown paths", async () => {
    const response = await worker.fetch("https://bot.example/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: "not found" });
  });
});
