/**
 * Moderation through the bot, routed by residency: an EU chat's text goes only to the EU
 * classifier, a global chat's to Perspective; a flagged input gets a polite refusal, a flagged
 * answer is withheld; every decision is audited. Both processors are local stand-ins that flag
 * texts containing "zorblax".
 */
import { afterEach, describe, expect, it } from "vitest";
import { readAudit } from "../support/audit";
import { calmOrigins, control, eventually, newChatId, requestsContaining, userSays, waitForBotMessages } from "../support/harness";


interface ModerationRequest {
  provider: "perspective" | "eu-classifier";
  text: string;
  kind?: string;
}
const seenBy = async (provider: ModerationRequest["provider"], marker: string) =>
  (await control<ModerationRequest[]>("moderation", "requests")).filter((r) => r.provider === provider && r.text.includes(marker));

const modelSaw = async (marker: string) => [
  ...(await requestsContaining("modelEu", marker)),
  ...(await requestsContaining("modelUs", marker)),
];

afterEach(async () => {
  await calmOrigins();
  await control("moderation", "setFault", null);
});

describe("moderation of EU chats", () => {
  it("refuses a flagged message politely, asks only the EU classifier, and never the model", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    const marker = `zorblax-eu-${chatId}`;
    await userSays({ chatId, text: `Du bist ein ${marker}`, languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toBe("Tut mir leid, bei dieser Nachricht kann ich nicht helfen. Bitte formuliere sie anders.");
    expect(await seenBy("eu-classifier", marker)).toHaveLength(1);
    expect(await seenBy("perspective", marker)).toHaveLength(0);
    expect(await modelSaw(marker)).toHaveLength(0);
    const decision = await eventually(async () => (await readAudit("eu", since, chatId)).find((e) => e.kind === "moderation"));
    expect(decision).toMatchObject({ outcome: "input:flagged", origin: "eu-classifier", region: "eu", detail: { score: 0.97 } });
    expect(JSON.stringify(decision)).not.toContain(marker);
  });

  it("withholds a flagged answer, replaces it, and does not keep it in the conversation", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await control("euAnswers", "set", "Here is something zorblax you should not see.");
    await userSays({ chatId, text: "Erzähl mir etwas withheld-eu", languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("zurückgehalten");
    expect(reply?.text).not.toContain("zorblax");
    await control("euAnswers", "set", null);

    await userSays({ chatId, text: "Und jetzt? withheld-next", languageCode: "de" });
    await waitForBotMessages(chatId, 2);
    const [next] = await modelSaw("withheld-next");
    expect(JSON.stringify(next?.body.messages)).not.toContain("zorblax");

    const outcomes = await eventually(async () => {
      const events = await readAudit("eu", since, chatId);
      return events.some((e) => e.kind === "answer" && e.outcome === "moderated-output") ? events : undefined;
    });
    expect(outcomes.filter((e) => e.kind === "moderation").map((e) => e.outcome)).toEqual(
      expect.arrayContaining(["input:passed", "output:flagged"]),
    );
    expect((await seenBy("perspective", "withheld-eu")).length).toBe(0);
  });

  it("lets a message through when the classifier is down, and audits the failure", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await control("moderation", "setFault", 503);
    await userSays({ chatId, text: "Hallo trotzdem fail-open", languageCode: "de" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("fail-open");
    const failed = await eventually(async () => (await readAudit("eu", since, chatId)).find((e) => e.outcome === "input:error"));
    expect(failed).toMatchObject({ kind: "moderation", origin: "eu-classifier" });
  });
});

describe("moderation of global chats", () => {
  it("asks Perspective, never the EU classifier, and refuses a flagged message in the user's language", async () => {
    const chatId = newChatId();
    const marker = `zorblax-global-${chatId}`;
    await userSays({ chatId, text: `you are a ${marker}`, languageCode: "en" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toBe("Sorry, I can't help with that message. Please rephrase it.");
    const asked = await seenBy("perspective", marker);
    expect(asked).toHaveLength(1);
    expect(await seenBy("eu-classifier", marker)).toHaveLength(0);
    expect(await modelSaw(marker)).toHaveLength(0);
  });

  it("answers a clean message after both checks pass", async () => {
    const since = Date.now() - 1000;
    const chatId = newChatId();
    await userSays({ chatId, text: "tell me about clean-global tides", languageCode: "en" });
    const [reply] = await waitForBotMessages(chatId, 1);
    expect(reply?.text).toContain("clean-global tides");
    const decisions = await eventually(async () => {
      const events = (await readAudit("global", since, chatId)).filter((e) => e.kind === "moderation");
      return events.length >= 2 ? events : undefined;
    });
    expect(decisions.map((e) => [e.outcome, e.origin])).toEqual([
      ["input:passed", "perspective"],
      ["output:passed", "perspective"],
    ]);
  });
});
