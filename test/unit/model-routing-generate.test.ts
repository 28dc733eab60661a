/**
 * Per-language adapters on the wire: the request carries the adapter's name; an origin that does
 * not serve it (vLLM's 404) is asked again with its base model before anyone fails over.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";
import { generate } from "../../worker/model/generate";
import type { Candidate } from "../../worker/model/generate";

let withAdapter: StandInModel;
let without: StandInModel;
beforeAll(async () => {
  withAdapter = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0, extraModels: ["gpt-oss-20b-de-lora"] });
  without = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
});
afterAll(async () => {
  await Promise.all([withAdapter.close(), without.close()]);
});

const request = { messages: [{ role: "user" as const, content: "Hallo" }], max_tokens: 50, reasoning_effort: "low" as const };
const candidate = (origin: StandInModel): Candidate<undefined> => ({
  id: "fra1", url: `${origin.url}/v1/chat/completions`, headers: {}, model: "gpt-oss-20b-de-lora", baseModel: "openai/gpt-oss-20b", request, meta: undefined,
});

async function drain(candidates: Candidate<undefined>[]) {
  const attempts: string[] = [];
  for await (const _ of generate({
    candidates, region: "eu", timeouts: { firstTokenMs: 1000, stallMs: 1000 }, signal: new AbortController().signal,
    onAttempt: (_c, model) => attempts.push(model),
  })) { /* drain */ }
  return attempts;
}

describe("per-language model on the wire", () => {
  it("asks for the adapter by name where it is served", async () => {
    const attempts = await drain([candidate(withAdapter)]);
    expect(attempts).toEqual(["gpt-oss-20b-de-lora"]);
    expect(withAdapter.requests().map((r) => [r.model, r.outcome])).toEqual([["gpt-oss-20b-de-lora", "completed"]]);
  });

  it("asks the same origin again with the base model when it does not serve the adapter", async () => {
    const attempts = await drain([candidate(without)]);
    expect(attempts).toEqual(["gpt-oss-20b-de-lora", "openai/gpt-oss-20b"]);
    expect(without.requests().map((r) => [r.model, r.outcome])).toEqual([
      ["gpt-oss-20b-de-lora", "rejected:404"],
      ["openai/gpt-oss-20b", "completed"],
    ]);
  });
});
