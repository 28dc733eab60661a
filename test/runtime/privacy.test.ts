/**
 * The user's data rights through the bot: /privacy, /mydata (a JSON document over sendDocument),
 * /forget with its confirmation button, and /region, including the erasure when a chat leaves
 * the EU. Runs the real Worker and ChatSession against the local Telegram.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import type { Env } from "../../worker/env";
import { chatSession } from "../../worker/chat-directory";
import type { BotMessage } from "../support/harness";
import { readAudit } from "../support/audit";
import {
  botMessages,
  control,
  eventually,
  fetchUpdate,
  newChatId,
  newGroupId,
  requestsMentioning,
  userSays,
  waitForBotMessages,
  webhook,
} from "../support/harness";

const bindings = env as unknown as Env;
const config = loadConfig(env);

type DocumentMessage = BotMessage & { document?: { fileName: string; mimeType: string; content: string } };

/** The user presses a button of a bot message; Telegram delivers the callback to the webhook. */
async function press(chatId: number, messageId: number, data: string, from?: { id: number }) {
  const { updateId } = await control<{ updateId: number }>("telegram", "pressButton", chatId, messageId, data, from);
  return webhook(await fetchUpdate(updateId));
}

const lastRequestMentioning = async (marker: string) => (await requestsMentioning("modelEu", marker)).at(-1);

const residencyOf = async (chatId: number) => (await chatSession(bindings, config, chatId).inspect()).residency;

describe("/privacy", () => {
  it("tells an EU chat that everything stays in the EU and for how long the audit log is kept", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "/privacy", languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("Datenregion dieses Chats: EU");
    expect(reply?.text).toContain("nur in der EU verarbeitet");
    expect(reply?.text).toContain(`${config.audit.retentionDays} Tagen`);
    expect(reply?.text).toContain("ohne Nachrichtentext");
  });

  it("tells a global chat that its messages may be processed outside the EU", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "/privacy", languageCode: "en" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("Data region of this chat: global");
    expect(reply?.text).toContain("outside the EU");
    expect(reply?.text).toContain("/mydata");
  });
});

describe("/mydata", () => {
  it("sends the stored conversation and settings as a JSON document", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "remember my favourite colour is teal mydata-1" });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, text: "/mydata" });
    const messages = (await waitForBotMessages(chatId, 2)) as DocumentMessage[];
    const sent = messages[1];
    expect(sent?.document?.fileName).toBe(`mydata-${chatId}.json`);
    expect(sent?.text).toBe("Here is everything stored about this chat.");
    const data = JSON.parse(sent?.document?.content ?? "{}") as {
      chatId: number;
      dataRegion: string;
      settings: Record<string, unknown>;
      conversation: { role: string; text: string }[];
    };
    expect(data.chatId).toBe(chatId);
    expect(data.dataRegion).toBe("global");
    expect(data.settings.residency).toBe("global");
    expect(data.conversation.map((t) => t.role)).toEqual(["user", "assistant"]);
    expect(data.conversation[0]?.text).toBe("remember my favourite colour is teal mydata-1");
    expect(data.conversation[1]?.text.length).toBeGreaterThan(0);
    const audited = await eventually(async () => (await readAudit("global", Date.now() - 60_000, chatId)).find((e) => e.kind === "data-export"));
    expect(audited.detail).toMatchObject({ turns: 2 });
  });
});

describe("/forget", () => {
  it("asks first, then erases the conversation and records the erasure without content", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "my secret plan is pineapple-forget", languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, text: "/forget", languageCode: "de" });
    const [, ask] = await waitForBotMessages(chatId, 2);
    expect(ask?.inlineKeyboard?.[0]?.map((b) => b.callback_data)).toEqual(["forget:confirm", "forget:cancel"]);

    const pressed = await press(chatId, ask?.messageId ?? 0, "forget:confirm");
    expect(pressed.status).toBe(200);
    await eventually(async () => (await botMessages(chatId)).find((m) => m.messageId === ask?.messageId && m.text.includes("gelöscht")));
    expect((await botMessages(chatId)).find((m) => m.messageId === ask?.messageId)?.inlineKeyboard).toBeUndefined();

    await userSays({ chatId, text: "was war mein Plan? after-forget", languageCode: "de" });
    await waitForBotMessages(chatId, 3);
    const request = await lastRequestMentioning("after-forget");
    expect(JSON.stringify(request?.body.messages)).not.toContain("pineapple-forget");
    expect(await residencyOf(chatId)).toBe("eu");

    const erasure = await eventually(async () => (await readAudit("eu", since, chatId)).find((e) => e.kind === "erasure"));
    expect(erasure).toMatchObject({ outcome: "erased", userId: chatId, detail: { reason: "forget", turns: 2 } });
    expect(JSON.stringify(await readAudit("eu", since, chatId))).not.toContain("pineapple");
  });

  it("keeps everything when the user cancels", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "keep this kiwi-cancel" });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, text: "/forget" });
    const [, ask] = await waitForBotMessages(chatId, 2);
    await press(chatId, ask?.messageId ?? 0, "forget:cancel");
    await eventually(async () => (await botMessages(chatId)).find((m) => m.messageId === ask?.messageId && m.text.includes("nothing was deleted")));
    await userSays({ chatId, text: "what did I say? still-there" });
    await waitForBotMessages(chatId, 3);
    expect(JSON.stringify((await lastRequestMentioning("still-there"))?.body.messages)).toContain("kiwi-cancel");
  });

  it("ignores the button when someone else in the group presses it", async () => {
    const chatId = newGroupId();
    await userSays({ chatId, chatType: "group", text: "@gpt_oss_test_bot remember mango-group", userId: 501 });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, chatType: "group", text: "/forget", userId: 501 });
    const [, ask] = await waitForBotMessages(chatId, 2);
    await press(chatId, ask?.messageId ?? 0, "forget:confirm", { id: 502 });
    await eventually(async () => (await botMessages(chatId)).find((m) => m.messageId === ask?.messageId && m.text.includes("no longer valid")));
    await userSays({ chatId, chatType: "group", text: "@gpt_oss_test_bot what fruit? group-after", userId: 501 });
    // In groups the placeholder is a bot message before the model is asked: wait for the request.
    const request = await eventually(() => lastRequestMentioning("group-after"));
    expect(JSON.stringify(request.body.messages)).toContain("mango-group");
  });
});

describe("/region", () => {
  it("shows the current region", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "/region", languageCode: "fr" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("Région des données de ce chat : UE");
  });

  it("moves a global chat into the EU at once, and audits the change", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "/region eu", languageCode: "en" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toBe("Done. This chat's data region is now EU.");
    expect(await residencyOf(chatId)).toBe("eu");
    const change = await eventually(async () => (await readAudit("eu", since, chatId)).find((e) => e.kind === "region-change"));
    expect(change.outcome).toBe("global->eu");
  });

  it("erases the conversation before an EU chat leaves the EU, after asking", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "Merke dir: Brezel-region", languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, text: "/region global", languageCode: "de" });
    const [, ask] = await waitForBotMessages(chatId, 2);
    expect(ask?.text).toContain("gelöscht");
    expect(await residencyOf(chatId)).toBe("eu");
    await press(chatId, ask?.messageId ?? 0, "region:global:confirm");
    await eventually(async () => (await residencyOf(chatId)) === "global");
    await eventually(async () => (await botMessages(chatId)).find((m) => m.messageId === ask?.messageId && m.text.includes("global")));

    await userSays({ chatId, text: "Was sollte ich mir merken? region-after", languageCode: "de" });
    await waitForBotMessages(chatId, 3);
    const requests = [
      ...(await requestsMentioning("modelEu", "region-after")),
      ...(await requestsMentioning("modelUs", "region-after")),
    ];
    expect(requests.length).toBeGreaterThan(0);
    expect(JSON.stringify(requests.map((r) => r.body?.messages))).not.toContain("Brezel-region");
    const erasure = await eventually(async () => (await readAudit("eu", since, chatId)).find((e) => e.kind === "erasure"));
    expect(erasure.detail).toMatchObject({ reason: "region-switch" });
  });

  it("keeps the EU region and the conversation when the switch is cancelled", async () => {
    const chatId = newChatId();
    await userSays({ chatId, text: "Merke dir: Strudel-cancel", languageCode: "de" });
    await waitForBotMessages(chatId, 1);
    await userSays({ chatId, text: "/region global", languageCode: "de" });
    const [, ask] = await waitForBotMessages(chatId, 2);
    await press(chatId, ask?.messageId ?? 0, "region:global:cancel");
    await eventually(async () => (await botMessages(chatId)).find((m) => m.messageId === ask?.messageId && m.text.includes("bleibt")));
    expect(await residencyOf(chatId)).toBe("eu");
  });
});
