/**
 * Starts the stand-ins that the workerd tests talk to over real HTTP: the local Telegram Bot API,
 * two vLLM-compatible stand-in origins (an EU one and a US one), and the control server through
 * which the tests inject faults and inspect what the stand-ins saw.
 */
import type { TestProject } from "vitest/node";
import { startLocalTelegram } from "../../scripts/local-telegram/server";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import { defaultAnswer } from "../../gpu-backend/stand-in/canned-answer";
import type { ChatRequest } from "../../gpu-backend/stand-in/server";
import { startControlServer } from "./control-server";
import { startModerationStandIn } from "./perspective-stand-in";
import { startJwksStandIn } from "./jwks-stand-in";
import { TEST_BOT } from "./test-bot";

declare module "vitest" {
  export interface ProvidedContext {
    telegramApiRoot: string;
    modelEuUrl: string;
    modelUsUrl: string;
    controlUrl: string;
    perspectiveUrl: string;
    euClassifierUrl: string;
    jwksUrl: string;
    perspectiveKey: string;
    adminToken: string;
  }
}

/** Lets a test pin the next answers' text (for long answers, Markdown edge cases). */
class AnswerOverride {
  text: string | null = null;
  set(text: string | null) {
    this.text = text;
  }
  answer = (req: ChatRequest) => this.text ?? defaultAnswer(req);
}

export default async function setup(project: TestProject) {
  const telegram = await startLocalTelegram({
    botToken: TEST_BOT.token,
    botUsername: TEST_BOT.username,
    botId: TEST_BOT.id,
  });
  const euAnswers = new AnswerOverride();
  const usAnswers = new AnswerOverride();
  const modelEu = await startStandInModel({
    ttftMs: 20, tokensPerSecond: 2000, answer: euAnswers.answer, apiKey: TEST_BOT.originApiKey,
    // A per-language adapter, as vLLM serves LoRA modules under their own names (MODEL_BY_LANGUAGE).
    extraModels: ["gpt-oss-20b-fr-lora"],
  });
  const modelUs = await startStandInModel({ ttftMs: 20, tokensPerSecond: 2000, answer: usAnswers.answer });
  // Test-only secrets for the compliance surfaces, handed to the Worker through vitest.config.ts.
  const perspectiveKey = `test-perspective-${crypto.randomUUID()}`;
  const adminToken = `test-admin-token-${crypto.randomUUID()}`;
  const moderation = await startModerationStandIn({ perspectiveKey });
  const jwks = await startJwksStandIn();
  const control = await startControlServer({ telegram, modelEu, modelUs, euAnswers, usAnswers, moderation, jwks });

  project.provide("telegramApiRoot", telegram.apiRoot);
  project.provide("modelEuUrl", modelEu.url);
  project.provide("modelUsUrl", modelUs.url);
  project.provide("controlUrl", control.url);
  project.provide("perspectiveUrl", moderation.perspectiveUrl);
  project.provide("euClassifierUrl", moderation.euClassifierUrl);
  project.provide("jwksUrl", jwks.url);
  project.provide("perspectiveKey", perspectiveKey);
  project.provide("adminToken", adminToken);

  return async () => {
    await control.close();
    await Promise.all([telegram.close(), modelEu.close(), modelUs.close(), moderation.close(), jwks.close()]);
  };
}
