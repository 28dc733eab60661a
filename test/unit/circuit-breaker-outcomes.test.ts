/**
 * What generate.ts tells the breakers: a first token is a success (even if the stream dies
 * later), a transient failure before it is a failure, and neither our own aborts nor a 400 say
 * anything about the origin. Against two stand-in origins over real HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startStandInModel } from "../../gpu-backend/stand-in/server";
import type { StandInModel } from "../../gpu-backend/stand-in/server";
import { generate } from "../../worker/model/generate";
import type { AttemptOutcome, Candidate } from "../../worker/model/generate";

let eu: StandInModel;
let us: StandInModel;
beforeAll(async () => {
  eu = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
  us = await startStandInModel({ ttftMs: 0, tokensPerSecond: 0 });
});
afterAll(async () => {
  await Promise.all([eu.close(), us.close()]);
});
afterEach(() => {
  eu.setFault(null);
  us.setFault(null);
});

const request = { messages: [{ role: "user" as const, content: "hi" }], max_tokens: 50, reasoning_effort: "low" as const };
const candidate = (id: string, origin: StandInModel): Candidate<undefined> => ({
  id, url: `${origin.url}/v1/chat/completions`, headers: {}, model: "openai/gpt-oss-20b", baseModel: "openai/gpt-oss-20b", request, meta: undefined,
});

async function run(candidates: Candidate<undefined>[], signal = new AbortController().signal) {
  const outcomes: [string, AttemptOutcome][] = [];
  const failovers: string[] = [];
  let error: unknown;
  const origins: string[] = [];
  try {
    for await (const event of generate({
      candidates, region: "global", timeouts: { firstTokenMs: 500, stallMs: 500 }, signal,
      onOutcome: (c, outcome) => outcomes.push([c.id, outcome]),
      onFailover: (id) => failovers.push(id),
    })) origins.push(event.originId);
  } catch (e) {
    error = e;
  }
  return { outcomes, failovers, error, origins: [...new Set(origins)] };
}

describe("generate's outcomes", () => {
  it("fails over on a 5xx before the first token and reports the failure, then the success", async () => {
    eu.setFault({ kind: "status", status: 500 });
    const r = await run([candidate("fra1", eu), candidate("iad1", us)]);
    expect(r.error).toBeUndefined();
    expect(r.origins).toEqual(["iad1"]);
    expect(r.failovers).toEqual(["fra1"]);
    expect(r.outcomes.map(([id, o]) => [id, o.ok])).toEqual([["fra1", false], ["iad1", true]]);
  });

  it.each([
    ["429", { kind: "status", status: 429 } as const],
    ["503", { kind: "status", status: 503, retryAfterSeconds: 1 } as const],
    ["a refused connection", { kind: "refuse-connection" } as const],
    ["no first token in time", { kind: "stall-before-first-token" } as const],
  ])("fails over on %s", async (_name, fault) => {
    eu.setFault(fault);
    const r = await run([candidate("fra1", eu), candidate("iad1", us)]);
    expect(r.origins).toEqual(["iad1"]);
    expect(r.outcomes[0]).toEqual(["fra1", { ok: false, error: expect.anything() }]);
  });

  it("counts a stream that dies mid-answer as a success for the breaker, and does not restart it elsewhere", async () => {
    eu.setFault({ kind: "drop-after", tokens: 2 });
    const usBefore = us.requests().length;
    const r = await run([candidate("fra1", eu), candidate("iad1", us)]);
    expect(r.error).toMatchObject({ name: "StreamDroppedError" });
    expect(r.outcomes.map(([id, o]) => [id, o.ok])).toEqual([["fra1", true]]);
    expect(us.requests()).toHaveLength(usBefore);
  });

  it("reports nothing for a 400, which is our request's fault, and does not fail over", async () => {
    eu.setFault({ kind: "status", status: 400 });
    const r = await run([candidate("fra1", eu), candidate("iad1", us)]);
    expect(r.error).toMatchObject({ name: "OriginHttpError", status: 400 });
    expect(r.outcomes).toEqual([]);
  });

  it("reports nothing when we abort", async () => {
    eu.setFault({ kind: "stall-before-first-token" });
    const controller = new AbortController();
    setTimeout(() => controller.abort("user-stop"), 50);
    const r = await run([candidate("fra1", eu), candidate("iad1", us)], controller.signal);
    expect(r.error).toMatchObject({ name: "GenerationAbortedError" });
    expect(r.outcomes).toEqual([]);
  });

  it("says no origin is available when every candidate failed, with the last failure as cause", async () => {
    eu.setFault({ kind: "status", status: 503 });
    us.setFault({ kind: "status", status: 502 as 500 });
    const r = await run([candidate("fra1", eu), candidate("iad1", us)]);
    expect(r.error).toMatchObject({ name: "NoOriginAvailableError", cause: { status: 502 } });
  });
});
