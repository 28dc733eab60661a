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
import { TEST_BOT } from "./test-bot";

declare module "vitest" {
  export interface ProvidedContext {
    telegramApiRoot: string;
    modelEuUrl: string;
    modelUsUrl: string;
    controlUrl: string;
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
  const modelEu = await startStandInModel({ ttftMs: 20, tokensPerSecond: 2000, answer: euAnswers.answer, apiKey: TEST_BOT.originApiKey });
  const modelUs = await startStandInModel({ ttftMs: 20, tokensPerSecond: 2000, answer: usAnswers.answer });
  const control = await startControlServer({ telegram, modelEu, modelUs, euAnswers, usAnswers });

  project.provide("telegramApiRoot", telegram.apiRoot);
  project.provide("modelEuUrl", modelEu.url);
  project.provide("modelUsUrl", modelUs.url);
  project.provide("controlUrl", control.url);

  return async () => {
    await control.close();
    await Promise.all([telegram.close(), modelEu.close(), modelUs.close()]);
  };
}
