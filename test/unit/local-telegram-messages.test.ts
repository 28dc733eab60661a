// The local Telegram stand-in's message methods over real HTTP: validation, edits, drafts,
// replies and simulated users, as a bot would see them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LocalTelegram } from "../../scripts/local-telegram/server";
import { startLocalTelegram } from "../../scripts/local-telegram/server";

let telegram: LocalTelegram;

beforeEach(async () => {
  telegram = await startLocalTelegram();
});
afterEach(async () => {
  await telegram.close();
});

async function api(method: string, params: Record<string, unknown> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

const sentMessage = z.object({ ok: z.literal(true), result: z.looseObject({ message_id: z.number() }) });

async function send(params: Record<string, unknown>): Promise<number> {
  const { body } = await api("sendMessage", params);
  return sentMessage.parse(body).result.message_id;
}

function badRequest(description: string): unknown {
  return { ok: false, error_code: 400, description };
}

describe("transport", () => {
  it("answers getMe with the bot user", async () => {
    expect(await api("getMe")).toMatchObject({ status: 200, body: { ok: true, result: { id: telegram.bot.id, is_bot: true, username: telegram.bot.username } } });
  });

  it("answers 401 to a wrong token and 404 to an unknown method", async () => {
    const wrong = await fetch(`${telegram.apiRoot}/bot123:nope/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    expect(await api("sendTelepathy")).toEqual({ status: 404, body: { ok: false, error_code: 404, description: "Not Found" } });
  });

  it("accepts form-encoded parameters with entities as JSON text", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "hi" });
    const form = new URLSearchParams({ chat_id: "1001", text: "bold", entities: JSON.stringify([{ type: "bold", offset: 0, length: 4 }]) });
    const response = await fetch(`${telegram.apiRoot}/bot${telegram.botToken}/sendmessage`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    expect(telegram.chatMessages(1001).at(-1)).toMatchObject({ text: "bold", entities: [{ type: "bold", offset: 0, length: 4 }], fromBot: true });
  });
});

describe("sendMessage validation", () => {
  beforeEach(async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "hello" });
  });

  it("refuses a chat no user has written in", async () => {
    expect((await api("sendMessage", { chat_id: 4242, text: "hi" })).body).toEqual(badRequest("Bad Request: chat not found"));
  });

  it("refuses an empty or blank text", async () => {
    expect((await api("sendMessage", { chat_id: 1001, text: "" })).body).toEqual(badRequest("Bad Request: message text is empty"));
    expect((await api("sendMessage", { chat_id: 1001, text: " \n " })).body).toEqual(badRequest("Bad Request: message text is empty"));
  });

  it("counts the 4096 limit in UTF-16 code units", async () => {
    const emoji = "😀".repeat(2048);
    expect(emoji.length).toBe(4096);
    expect((await api("sendMessage", { chat_id: 1001, text: emoji })).status).toBe(200);
    expect((await api("sendMessage", { chat_id: 1001, text: `${emoji}a` })).body).toEqual(badRequest("Bad Request: message is too long"));
  });

  it.each([
    ["past the end", [{ type: "bold", offset: 2, length: 9 }]],
    ["zero length", [{ type: "italic", offset: 0, length: 0 }]],
    ["unknown type", [{ type: "glitter", offset: 0, length: 2 }]],
    ["text_link without url", [{ type: "text_link", offset: 0, length: 2 }]],
    ["inside code", [{ type: "code", offset: 0, length: 5 }, { type: "bold", offset: 1, length: 2 }]],
    ["partial overlap", [{ type: "bold", offset: 0, length: 3 }, { type: "italic", offset: 2, length: 3 }]],
    ["split surrogate pair", [{ type: "bold", offset: 0, length: 7 }]],
  ])("refuses entities %s", async (_name, entities) => {
    const { status, body } = await api("sendMessage", { chat_id: 1001, text: "hello 😀", entities });
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, description: expect.stringMatching(/^Bad Request: can't parse entities: /) });
  });

  it("accepts nested entities and bold around code", async () => {
    const entities = [
      { type: "bold", offset: 0, length: 8 },
      { type: "code", offset: 6, length: 2 },
      { type: "italic", offset: 0, length: 5 },
    ];
    expect((await api("sendMessage", { chat_id: 1001, text: "hello 😀", entities })).status).toBe(200);
  });

  it("parses MarkdownV2 and refuses an unescaped reserved character", async () => {
    const ok = await api("sendMessage", { chat_id: 1001, text: "*bold* and `code`\\.", parse_mode: "MarkdownV2" });
    expect(ok.body).toMatchObject({ result: { text: "bold and code.", entities: [{ type: "bold", offset: 0, length: 4 }, { type: "code", offset: 9, length: 4 }] } });
    const bad = await api("sendMessage", { chat_id: 1001, text: "Done.", parse_mode: "MarkdownV2" });
    expect(bad.body).toEqual(badRequest("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"));
  });

  it("parses HTML with a pre block's language", async () => {
    const { body } = await api("sendMessage", { chat_id: 1001, text: '<b>hi</b> <pre><code class="language-ts">x</code></pre>', parse_mode: "HTML" });
    expect(body).toMatchObject({ result: { text: "hi x", entities: [{ type: "bold", offset: 0, length: 2 }, { type: "pre", offset: 3, length: 1, language: "ts" }] } });
  });

  it("sets reply_to_message and refuses a reply to a missing message", async () => {
    const { body } = await api("sendMessage", { chat_id: 1001, text: "answer", reply_parameters: { message_id: 1 } });
    expect(body).toMatchObject({ result: { reply_to_message: { message_id: 1, text: "hello" } } });
    expect((await api("sendMessage", { chat_id: 1001, text: "x", reply_parameters: { message_id: 99 } })).body).toEqual(
      badRequest("Bad Request: message to be replied not found"),
    );
  });
});

describe("editMessageText", () => {
  beforeEach(async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "hello" });
  });

  it("edits in place and counts edits", async () => {
    const id = await send({ chat_id: 1001, text: "draft" });
    const { body } = await api("editMessageText", { chat_id: 1001, message_id: id, text: "final", entities: [{ type: "bold", offset: 0, length: 5 }] });
    expect(body).toMatchObject({ ok: true, result: { message_id: id, text: "final", edit_date: expect.any(Number) } });
    expect(telegram.chatMessages(1001).find((m) => m.messageId === id)).toMatchObject({ text: "final", edits: 1 });
  });

  it("answers 'message is not modified' for identical content", async () => {
    const id = await send({ chat_id: 1001, text: "same", entities: [{ type: "bold", offset: 0, length: 4 }] });
    const { body } = await api("editMessageText", { chat_id: 1001, message_id: id, text: "same", entities: [{ type: "bold", offset: 0, length: 4 }] });
    expect(body).toEqual(
      badRequest(
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      ),
    );
  });

  it("treats dropping the inline keyboard as a modification", async () => {
    const id = await send({ chat_id: 1001, text: "pick", reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } });
    expect((await api("editMessageText", { chat_id: 1001, message_id: id, text: "pick" })).status).toBe(200);
    expect(telegram.chatMessages(1001).find((m) => m.messageId === id)?.inlineKeyboard).toBeUndefined();
  });

  it("refuses to edit a missing message or a user's message", async () => {
    expect((await api("editMessageText", { chat_id: 1001, message_id: 77, text: "x" })).body).toEqual(badRequest("Bad Request: message to edit not found"));
    expect((await api("editMessageText", { chat_id: 1001, message_id: 1, text: "x" })).body).toEqual(badRequest("Bad Request: message can't be edited"));
  });

  it("deletes a message once", async () => {
    const id = await send({ chat_id: 1001, text: "bye" });
    expect((await api("deleteMessage", { chat_id: 1001, message_id: id })).status).toBe(200);
    expect(telegram.chatMessages(1001).map((m) => m.messageId)).not.toContain(id);
    expect((await api("deleteMessage", { chat_id: 1001, message_id: id })).body).toEqual(badRequest("Bad Request: message to delete not found"));
  });
});

describe("sendMessageDraft", () => {
  it("records a draft's texts in order and finalizes it with sendMessage", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "tell me" });
    for (const text of ["", "Once", "Once upon"]) {
      expect((await api("sendMessageDraft", { chat_id: 1001, draft_id: 7, text })).body).toEqual({ ok: true, result: true });
    }
    expect(telegram.drafts(1001)).toMatchObject([{ draftId: 7, texts: ["", "Once", "Once upon"], status: "streaming" }]);
    const id = await send({ chat_id: 1001, text: "Once upon a time" });
    expect(telegram.drafts(1001)).toMatchObject([{ draftId: 7, status: "finalized", finalMessageId: id }]);
  });

  it("starts a new draft history when a draft_id is reused after the final message", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "one" });
    await api("sendMessageDraft", { chat_id: 1001, draft_id: 1, text: "first" });
    await send({ chat_id: 1001, text: "first answer" });
    await api("sendMessageDraft", { chat_id: 1001, draft_id: 1, text: "second" });
    expect(telegram.drafts(1001).map((d) => [d.draftId, d.texts, d.status])).toEqual([
      [1, ["first"], "finalized"],
      [1, ["second"], "streaming"],
    ]);
  });

  it("is refused in groups and with draft_id 0", async () => {
    await telegram.sendUserMessage({ chatId: -4001, text: "hi all" });
    const group = await api("sendMessageDraft", { chat_id: -4001, draft_id: 1, text: "x" });
    expect(group.status).toBe(400);
    expect(group.body).toMatchObject({ ok: false, error_code: 400 });
    await telegram.sendUserMessage({ chatId: 1001, text: "hi" });
    expect((await api("sendMessageDraft", { chat_id: 1001, draft_id: 0, text: "x" })).status).toBe(400);
  });

  it("turns a Stop press into a stopped_message_generation update", async () => {
    await telegram.sendUserMessage({ chatId: 1002, text: "write a poem" });
    await api("sendMessageDraft", { chat_id: 1002, draft_id: 9, text: "Roses", can_stop: true });
    const { updateId } = await telegram.pressDraftStop(1002, 9);
    const { body } = await api("getUpdates", { offset: 2 });
    expect(body).toEqual({ ok: true, result: [{ update_id: updateId, stopped_message_generation: { chat: { id: 1002, type: "private", first_name: "Boris", username: "boris" }, draft_id: 9 } }] });
    expect(telegram.drafts(1002)).toMatchObject([{ status: "stopped" }]);
  });

  it("has no Stop button without can_stop", async () => {
    await telegram.sendUserMessage({ chatId: 1002, text: "hi" });
    await api("sendMessageDraft", { chat_id: 1002, draft_id: 3, text: "…" });
    await expect(telegram.pressDraftStop(1002, 3)).rejects.toThrow(/can_stop/);
  });
});

describe("simulated users", () => {
  it("marks commands and mentions the way Telegram clients do", async () => {
    const name = telegram.bot.username ?? "";
    const text = `/ask@${name} hi @${name}`;
    await telegram.sendUserMessage({ chatId: -4001, text });
    const { body } = await api("getUpdates");
    expect(body).toMatchObject({
      result: [
        {
          update_id: 1,
          message: {
            message_id: 1,
            chat: { id: -4001, type: "group", title: "Team" },
            from: { id: 1001, first_name: "Alice", language_code: "en" },
            entities: [
              { type: "bot_command", offset: 0, length: `/ask@${name}`.length },
              { type: "mention", offset: text.lastIndexOf("@"), length: name.length + 1 },
            ],
          },
        },
      ],
    });
  });

  it("puts forum topic messages in their thread", async () => {
    await telegram.sendUserMessage({ chatId: -1001000000001, forumTopicId: 3, text: "bug report", from: { id: 1003 } });
    const { body } = await api("getUpdates");
    expect(body).toMatchObject({ result: [{ message: { message_thread_id: 3, is_topic_message: true, chat: { type: "supergroup", is_forum: true }, from: { first_name: "Li", language_code: "zh" } } }] });
    const reply = await api("sendMessage", { chat_id: -1001000000001, message_thread_id: 3, text: "on it" });
    expect(reply.body).toMatchObject({ result: { message_thread_id: 3, is_topic_message: true } });
    expect((await api("sendMessage", { chat_id: -1001000000001, message_thread_id: 99, text: "x" })).body).toEqual(badRequest("Bad Request: message thread not found"));
  });

  it("turns a button press into a callback_query that can be answered once", async () => {
    await telegram.sendUserMessage({ chatId: 1001, text: "menu" });
    const id = await send({ chat_id: 1001, text: "pick", reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] } });
    await telegram.pressButton(1001, id, "yes");
    const { body } = await api("getUpdates", { offset: 2 });
    const query = z.object({ result: z.tuple([z.object({ callback_query: z.object({ id: z.string(), data: z.string() }) })]) }).parse(body).result[0].callback_query;
    expect(query.data).toBe("yes");
    expect((await api("answerCallbackQuery", { callback_query_id: query.id, text: "ok" })).status).toBe(200);
    expect((await api("answerCallbackQuery", { callback_query_id: query.id })).status).toBe(400);
  });

  it("keeps commands per scope and language", async () => {
    await api("setMyCommands", { commands: [{ command: "start", description: "Start" }] });
    await api("setMyCommands", { commands: [{ command: "start", description: "Starten" }], language_code: "de" });
    expect((await api("getMyCommands", { language_code: "de" })).body).toEqual({ ok: true, result: [{ command: "start", description: "Starten" }] });
    expect((await api("setMyCommands", { commands: [{ command: "Bad-Name", description: "x" }] })).status).toBe(400);
  });
});
