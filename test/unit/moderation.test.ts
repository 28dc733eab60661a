import { describe, expect, it } from "vitest";
import { loadConfig } from "../../worker/config";
import type { Config } from "../../worker/config";
import { PerspectiveModerator, PERSPECTIVE_SEGMENT_CHARS } from "../../worker/moderation/perspective";
import { EuClassifierModerator } from "../../worker/moderation/eu-classifier";
import { ModerationUnavailableError, NO_MODERATION } from "../../worker/moderation/moderator";
import type { Fetcher } from "../../worker/moderation/moderator";
import { moderatorFor } from "../../worker/moderation/select";
import { moderationGate } from "../../worker/moderation/gate";
import type { AuditInput } from "../../worker/audit/event";

interface Call {
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A fetch that records calls and scores texts containing "zorblax" as toxic. */
function fakeFetch(calls: Call[], status = 200): Fetcher {
  return async (url, init) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    calls.push({ url, body, headers: init.headers as Record<string, string> });
    if (status !== 200) return new Response("{}", { status });
    const text = String((body.comment as { text?: string } | undefined)?.text ?? body.text ?? "");
    const score = text.includes("zorblax") ? 0.95 : 0.05;
    const payload = url.includes("comments:analyze")
      ? { attributeScores: { TOXICITY: { summaryScore: { value: score } } } }
      : { score };
    return Response.json(payload);
  };
}

const BASE_ENV = {
  TELEGRAM_BOT_TOKEN: "7000001:TEST-token-for-local-stand-ins-only",
  TELEGRAM_WEBHOOK_SECRET: "secret",
  BOT_USERNAME: "gpt_oss_test_bot",
  ORIGINS: JSON.stringify([
    { id: "fra1", region: "eu", url: "https://gpu-fra1.example.com" },
    { id: "iad1", region: "us", url: "https://gpu-iad1.example.com" },
  ]),
  ORIGIN_FRA1_ACCESS_CLIENT_ID: "client-id",
  ORIGIN_FRA1_ACCESS_CLIENT_SECRET: "client-secret",
};
const config = (extra: Record<string, string> = {}): Config => loadConfig({ ...BASE_ENV, ...extra });

const EVERYTHING_ON = {
  MODERATION_PROVIDER: "perspective",
  PERSPECTIVE_API_KEY: "perspective-key",
  PERSPECTIVE_URL: "https://perspective.test/v1alpha1/comments:analyze",
  MODERATION_EU_PROVIDER: "eu-classifier",
  MODERATION_EU_CLASSIFIER: JSON.stringify({ url: "https://gpu-fra1.example.com/moderate", region: "eu", origin: "fra1" }),
};

describe("moderation settings", () => {
  it("is off unless switched on", () => {
    expect(config().moderation).toMatchObject({ global: { provider: "none" }, eu: { provider: "none" }, holdPreviews: true });
  });

  it("needs the Perspective key when Perspective is chosen", () => {
    expect(() => config({ MODERATION_PROVIDER: "perspective" })).toThrow(/PERSPECTIVE_API_KEY/);
  });

  it("refuses an EU classifier that is not declared to be in the EU", () => {
    expect(() =>
      config({ MODERATION_EU_PROVIDER: "eu-classifier", MODERATION_EU_CLASSIFIER: JSON.stringify({ url: "https://x.example.com", region: "us" }) }),
    ).toThrow(/MODERATION_EU_CLASSIFIER/);
  });

  it("refuses an EU classifier served by a non-EU origin", () => {
    expect(() =>
      config({ MODERATION_EU_PROVIDER: "eu-classifier", MODERATION_EU_CLASSIFIER: JSON.stringify({ url: "https://x.example.com", region: "eu", origin: "iad1" }) }),
    ).toThrow(/not an EU origin/);
  });
});

describe("moderatorFor", () => {
  it("never gives an EU chat Perspective, whatever is configured", () => {
    const variants: Record<string, string>[] = [{}, EVERYTHING_ON, { MODERATION_PROVIDER: "perspective", PERSPECTIVE_API_KEY: "k" }];
    for (const extra of variants) {
      const moderator = moderatorFor(config(extra).moderation, "eu");
      expect(moderator).not.toBeInstanceOf(PerspectiveModerator);
      expect(["none", "eu-classifier"]).toContain(moderator.provider);
    }
  });

  it("sends an EU chat's text only to the EU classifier, with the origin's Access token", async () => {
    const calls: Call[] = [];
    const verdict = await moderatorFor(config(EVERYTHING_ON).moderation, "eu", fakeFetch(calls)).check("hallo zorblax", "input");
    expect(verdict).toEqual({ flagged: true, score: 0.95, provider: "eu-classifier" });
    expect(calls.map((c) => c.url)).toEqual(["https://gpu-fra1.example.com/moderate"]);
    expect(calls[0]?.headers["cf-access-client-id"]).toBe("client-id");
    expect(calls[0]?.body).toEqual({ text: "hallo zorblax", kind: "input" });
  });

  it("uses Perspective for a global chat, with the key and doNotStore", async () => {
    const calls: Call[] = [];
    const verdict = await moderatorFor(config(EVERYTHING_ON).moderation, "global", fakeFetch(calls)).check("hello", "output");
    expect(verdict).toEqual({ flagged: false, score: 0.05, provider: "perspective" });
    const url = new URL(calls[0]?.url ?? "");
    expect(url.origin + url.pathname).toBe("https://perspective.test/v1alpha1/comments:analyze");
    expect(url.searchParams.get("key")).toBe("perspective-key");
    expect(calls[0]?.body).toMatchObject({ comment: { text: "hello" }, requestedAttributes: { TOXICITY: {} }, doNotStore: true });
  });

  it("gives nothing for a global chat when Perspective is off", () => {
    expect(moderatorFor(config().moderation, "global")).toBe(NO_MODERATION);
  });
});

describe("PerspectiveModerator", () => {
  it("checks a long answer segment by segment and flags it when a later segment is toxic", async () => {
    const calls: Call[] = [];
    const moderator = new PerspectiveModerator({ url: "https://p.test/v1alpha1/comments:analyze", apiKey: "k", threshold: 0.8, timeoutMs: 1000, fetch: fakeFetch(calls) });
    const text = `${"a".repeat(PERSPECTIVE_SEGMENT_CHARS)}zorblax`;
    expect((await moderator.check(text, "output")).flagged).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => String((c.body.comment as { text: string }).text).length <= PERSPECTIVE_SEGMENT_CHARS)).toBe(true);
  });

  it("raises ModerationUnavailableError on an HTTP error", async () => {
    const moderator = new PerspectiveModerator({ url: "https://p.test/v1alpha1/comments:analyze", apiKey: "k", threshold: 0.8, timeoutMs: 1000, fetch: fakeFetch([], 429) });
    await expect(moderator.check("x", "input")).rejects.toBeInstanceOf(ModerationUnavailableError);
  });
});

describe("EuClassifierModerator", () => {
  it("lets the classifier's own flag win over the threshold", async () => {
    const fetcher: Fetcher = async () => Response.json({ score: 0.1, flagged: true });
    const moderator = new EuClassifierModerator({ url: "https://c.test", threshold: 0.8, timeoutMs: 1000, fetch: fetcher });
    expect(await moderator.check("x", "output")).toEqual({ flagged: true, score: 0.1, provider: "eu-classifier" });
  });

  it("treats an answer without score or flag as unavailable", async () => {
    const moderator = new EuClassifierModerator({ url: "https://c.test", threshold: 0.8, timeoutMs: 1000, fetch: async () => Response.json({}) });
    await expect(moderator.check("x", "output")).rejects.toBeInstanceOf(ModerationUnavailableError);
  });
});

describe("ModerationGate", () => {
  const subject = { chatId: 5, userId: 5, updateId: 9 };

  it("audits each decision with provider, verdict and score, never the text", async () => {
    const audited: AuditInput[] = [];
    const gate = moderationGate({ config: config(EVERYTHING_ON), audit: { record: (e) => audited.push(e) } }, "global", subject, undefined, fakeFetch([]));
    expect(await gate.refuses("you zorblax", "input")).toBe(true);
    expect(await gate.refuses("fine", "output")).toBe(false);
    expect(audited).toEqual([
      expect.objectContaining({ kind: "moderation", region: "global", outcome: "input:flagged", origin: "perspective", chatId: 5, detail: { score: 0.95 } }),
      expect.objectContaining({ outcome: "output:passed" }),
    ]);
    expect(JSON.stringify(audited)).not.toContain("zorblax");
  });

  it("lets the text through when the provider fails, and audits the failure", async () => {
    const audited: AuditInput[] = [];
    const errors: unknown[] = [];
    const gate = moderationGate({ config: config(EVERYTHING_ON), audit: { record: (e) => audited.push(e) } }, "eu", subject, (e) => errors.push(e), fakeFetch([], 503));
    expect(await gate.refuses("zorblax", "input")).toBe(false);
    expect(audited[0]).toMatchObject({ outcome: "input:error", origin: "eu-classifier", region: "eu" });
    expect(errors[0]).toBeInstanceOf(ModerationUnavailableError);
  });

  it("holds previews only while a moderator is active and holding is on", () => {
    const audit = { record: () => {} };
    expect(moderationGate({ config: config(EVERYTHING_ON), audit }, "eu", subject).holdsPreviews).toBe(true);
    expect(moderationGate({ config: config({ ...EVERYTHING_ON, MODERATION_HOLD_PREVIEWS: "false" }), audit }, "eu", subject).holdsPreviews).toBe(false);
    expect(moderationGate({ config: config(), audit }, "eu", subject).holdsPreviews).toBe(false);
  });

  it("does not call anything when moderation is off", async () => {
    const calls: Call[] = [];
    const audited: AuditInput[] = [];
    const gate = moderationGate({ config: config(), audit: { record: (e) => audited.push(e) } }, "global", subject, undefined, fakeFetch(calls));
    expect(await gate.refuses("zorblax", "input")).toBe(false);
    expect(calls).toHaveLength(0);
    expect(audited).toHaveLength(0);
  });
});
