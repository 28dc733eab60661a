import { describe, expect, it } from "vitest";
import { parseCommand, routeUpdate, UpdateSchema } from "../../worker/telegram/update";

const bot = { id: 999, username: "gpt_oss_bot" };
const user = { id: 7, is_bot: false, first_name: "Ana", language_code: "es" };
const route = (update: unknown) => routeUpdate(UpdateSchema.parse(update), bot);
const message = (chat: object, text: string | undefined, extra: object = {}) => ({
  update_id: 1,
  message: { message_id: 3, date: 1, chat, from: user, ...(text === undefined ? {} : { text }), ...extra },
});

describe("routeUpdate", () => {
  it("delivers private text with the sender's language hint", () => {
    expect(route(message({ id: 7, type: "private" }, "hola"))).toEqual({
      action: "deliver",
      inbound: {
        kind: "text", updateId: 1, chatId: 7, chatType: "private", threadId: 0, messageId: 3,
        from: { id: 7, firstName: "Ana", languageCode: "es" }, text: "hola",
      },
    });
  });

  it("turns known commands into commands and lets unknown ones through as text", () => {
    expect(route(message({ id: 7, type: "private" }, "/reset"))).toMatchObject({ inbound: { kind: "command", command: "reset" } });
    expect(route(message({ id: 7, type: "private" }, "/frobnicate now"))).toMatchObject({ inbound: { kind: "text" } });
  });

  it("answers in groups only when mentioned or replied to, without the mention in the text", () => {
    const group = { id: -5, type: "group", title: "T" };
    expect(route(message(group, "hello all"))).toMatchObject({ action: "ignore" });
    expect(route(message(group, "@GPT_OSS_BOT what is 2+2"))).toMatchObject({ inbound: { kind: "text", text: "what is 2+2" } });
    const reply = message(group, "and then?", { reply_to_message: { message_id: 2, from: { id: 999, is_bot: true, first_name: "b" } } });
    expect(route(reply)).toMatchObject({ inbound: { kind: "text", text: "and then?" } });
  });

  it("keeps forum topics apart by thread id", () => {
    const forum = { id: -100, type: "supergroup", is_forum: true };
    const update = message(forum, "@gpt_oss_bot hi", { message_thread_id: 44, is_topic_message: true });
    expect(route(update)).toMatchObject({ inbound: { threadId: 44 } });
  });

  it("routes the draft stop button and callback buttons", () => {
    expect(route({ update_id: 2, stopped_message_generation: { chat: { id: 7, type: "private" }, draft_id: 12 } }))
      .toMatchObject({ inbound: { kind: "stop-button", draftId: 12 } });
    expect(route({ update_id: 3, callback_query: { id: "q", from: user, data: "forget:confirm", message: { message_id: 9, chat: { id: 7, type: "private" } } } }))
      .toMatchObject({ inbound: { kind: "callback", data: "forget:confirm", messageId: 9 } });
  });

  it("ignores channels, bots and update types it does not handle, naming the type", () => {
    expect(route(message({ id: -9, type: "channel" }, "x"))).toMatchObject({ action: "ignore" });
    expect(route({ update_id: 4, message: { message_id: 1, chat: { id: 7, type: "private" }, from: { ...user, is_bot: true }, text: "x" } }))
      .toMatchObject({ action: "ignore" });
    expect(route({ update_id: 5, chat_member: {} })).toEqual({ action: "ignore", reason: "unhandled update type: chat_member" });
  });

  it("answers non-text in private chats so the user is not left in silence", () => {
    expect(route(message({ id: 7, type: "private" }, undefined, { sticker: { file_id: "f" } }))).toMatchObject({ inbound: { kind: "unsupported" } });
  });
});

describe("parseCommand", () => {
  it("accepts a command addressed to this bot and refuses one for another bot", () => {
    expect(parseCommand("/retry@gpt_oss_bot", "gpt_oss_bot")).toEqual({ name: "retry", args: "" });
    expect(parseCommand("/retry@other_bot", "gpt_oss_bot")).toBe("other-bot");
    expect(parseCommand("/region eu", "gpt_oss_bot")).toEqual({ name: "region", args: "eu" });
    expect(parseCommand("not a command", "gpt_oss_bot")).toBeUndefined();
  });
});
