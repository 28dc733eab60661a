// The stand-in's pure parts: canned answers, their cutting into token-like pieces, generation
// planning against a token budget, and Prometheus text rendering and parsing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultAnswer, planGeneration, splitIntoPieces } from "../../gpu-backend/stand-in/canned-answer";
import { chatRequestSchema, estimatePromptTokens } from "../../gpu-backend/stand-in/chat-request";
import { MetricRegistry, parsePrometheusText, sumSamples } from "../../gpu-backend/stand-in/prometheus-text";

function request(content: string, extra: Record<string, unknown> = {}) {
  return chatRequestSchema.parse({ messages: [{ role: "user", content }], ...extra });
}

describe("splitIntoPieces", () => {
  it("cuts text into pieces that join back to exactly the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(splitIntoPieces(text).join("")).toBe(text);
      }),
    );
  });

  it("keeps the space before a word in the word's piece", () => {
    expect(splitIntoPieces("Hello big world\n")).toEqual(["Hello", " big", " world\n"]);
  });

  it("cuts long runs without spaces into pieces of at most 8 code points, never splitting a surrogate pair", () => {
    const pieces = splitIntoPieces("日本語のテキストは空白がありません🙂🙂");
    expect(pieces.every((p) => Array.from(p).length <= 8)).toBe(true);
    expect(pieces.every((p) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});

describe("defaultAnswer", () => {
  it("echoes the last user message in Markdown with bold text and a code block", () => {
    const answer = defaultAnswer(request("How do tunnels work?"));
    expect(answer).toContain("**Stand-in answer** (not a model)");
    expect(answer).toContain("“How do tunnels work?”");
    expect(answer).toContain("```text\necho: How do tunnels work?\n```");
    expect(answer.split("\n\n").length).toBeGreaterThan(3);
  });

  it("is the same for the same request", () => {
    expect(defaultAnswer(request("same"))).toBe(defaultAnswer(request("same")));
  });

  it("grows with max_tokens", () => {
    const short = splitIntoPieces(defaultAnswer(request("q", { max_tokens: 100 }))).length;
    const long = splitIntoPieces(defaultAnswer(request("q", { max_tokens: 1000 }))).length;
    expect(long).toBeGreaterThan(short * 4);
  });
});

describe("planGeneration", () => {
  it("finishes with stop when the budget allows the whole answer", () => {
    const req = request("q", { max_tokens: 1000 });
    const plan = planGeneration(req, 8, defaultAnswer(req));
    expect(plan.finishReason).toBe("stop");
    expect(plan.reasoning).toHaveLength(8);
    expect(plan.content.join("")).toBe(defaultAnswer(req));
  });

  it("cuts at the budget, reasoning first, and finishes with length", () => {
    const req = request("q", { max_tokens: 5 });
    const plan = planGeneration(req, 8, "a b c");
    expect(plan).toEqual({ reasoning: plan.reasoning.slice(0, 5), content: [], finishReason: "length" });
    expect(plan.reasoning).toHaveLength(5);
  });
});

describe("estimatePromptTokens", () => {
  it("counts every message's characters divided by 4, rounded up", () => {
    const req = chatRequestSchema.parse({
      messages: [
        { role: "system", content: "12345" },
        { role: "user", content: [{ type: "text", text: "678" }] },
      ],
    });
    expect(estimatePromptTokens(req)).toBe(2);
  });
});

describe("Prometheus text", () => {
  it("renders counters, gauges and cumulative histogram buckets that parse back", () => {
    const registry = new MetricRegistry();
    registry.gauge("vllm:num_requests_running", "running");
    registry.counter("vllm:request_success_total", "ok");
    registry.histogram("vllm:time_to_first_token_seconds", "ttft", [0.1, 1]);
    const labels = { model_name: 'a "quoted" name' };
    registry.set("vllm:num_requests_running", labels, 3);
    registry.inc("vllm:request_success_total", { ...labels, finished_reason: "stop" }, 2);
    registry.observe("vllm:time_to_first_token_seconds", labels, 0.05);
    registry.observe("vllm:time_to_first_token_seconds", labels, 0.5);
    registry.observe("vllm:time_to_first_token_seconds", labels, 5);
    const parsed = parsePrometheusText(registry.render());
    expect(parsed.types.get("vllm:time_to_first_token_seconds")).toBe("histogram");
    expect(sumSamples(parsed, "vllm:num_requests_running", labels)).toBe(3);
    expect(sumSamples(parsed, "vllm:request_success_total", { finished_reason: "stop" })).toBe(2);
    const bucket = (le: string) => sumSamples(parsed, "vllm:time_to_first_token_seconds_bucket", { le });
    expect([bucket("0.1"), bucket("1.0"), bucket("+Inf")]).toEqual([1, 2, 3]);
    expect(sumSamples(parsed, "vllm:time_to_first_token_seconds_sum")).toBeCloseTo(5.55);
  });
});
