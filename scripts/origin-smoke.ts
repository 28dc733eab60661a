/**
 * Smoke check of one GPU origin from the outside, as the Worker reaches it: through the tunnel
 * hostname, with the Access service token and vLLM's API key. It proves the locks work (no key →
 * 401; /metrics not exposed), the model is served, and one streamed answer has vLLM's SSE shape.
 *
 *   ORIGIN_URL=https://gpu-fra-1.origin.example.com ORIGIN_API_KEY=… \
 *   CF_ACCESS_CLIENT_ID=….access CF_ACCESS_CLIENT_SECRET=… npx tsx scripts/origin-smoke.ts
 *
 * Against a local stand-in add `--skip-ingress-check` (it serves /metrics, a tunnel must not).
 * Exits 0 when every check passes, 1 with the failed checks listed otherwise.
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { OriginUnreachableError, readChatStream } from "../gpu-backend/lib/chat-stream";
import { credentialsFromEnv, originHeaders, trimBase } from "../gpu-backend/lib/origin-auth";
import type { OriginCredentials } from "../gpu-backend/lib/origin-auth";
import { checkChatStream } from "../gpu-backend/lib/stream-checks";
import type { Check, StreamSummary } from "../gpu-backend/lib/stream-checks";

/** Options of {@link runOriginSmoke}. */
export interface SmokeOptions extends OriginCredentials {
  /** The origin's base URL (the tunnel hostname in production). */
  baseUrl: string;
  /** Model to ask; default the first one `/v1/models` lists. */
  model?: string;
  prompt?: string;
  maxTokens?: number;
  /** Expect paths outside the ingress rules (here `/metrics`) to be refused. Default true. */
  checkIngress?: boolean;
  /** Gives up on the streamed answer after this long; default 120 s. */
  timeoutMs?: number;
}

/** The verdict: `ok` only when every check passed. */
export interface SmokeReport {
  ok: boolean;
  checks: Check[];
  model: string | null;
  /** Milliseconds from sending the request to the first reasoning or content token. */
  ttftMs: number | null;
  stream: StreamSummary | null;
}

const modelsSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), owned_by: z.string().optional() })),
});

async function status(url: string, headers: Record<string, string>): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Runs every check against `options.baseUrl`; never throws for origin behaviour. */
export async function runOriginSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const base = trimBase(options.baseUrl);
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const finish = (model: string | null, ttftMs: number | null, stream: StreamSummary | null): SmokeReport =>
    ({ ok: checks.every((c) => c.ok), checks, model, ttftMs, stream });

  const health = await status(`${base}/health`, originHeaders(options, false));
  check("GET /health answers 200", "status" in health && health.status === 200,
    "status" in health ? `status ${health.status}${health.status === 403 ? " (Access refused: check the service token)" : ""}` : health.error);

  const unauthorized = await status(`${base}/v1/models`, originHeaders(options, false));
  check("/v1/* refuses a request without the API key", "status" in unauthorized && unauthorized.status === 401,
    "status" in unauthorized ? `status ${unauthorized.status}${unauthorized.status === 200 ? " (vLLM runs without --api-key)" : ""}` : unauthorized.error);

  if (options.checkIngress ?? true) {
    const metrics = await status(`${base}/metrics`, originHeaders(options));
    check("/metrics is not exposed through the tunnel", "status" in metrics ? metrics.status !== 200 : true,
      "status" in metrics ? `status ${metrics.status}${metrics.status === 200 ? " (ingress rules missing: see gpu-backend/cloudflared/config.yml)" : ""}` : "refused");
  }

  const models = await status(`${base}/v1/models`, originHeaders(options));
  const list = "status" in models && models.status === 200 ? modelsSchema.safeParse(safeJson(models.text)) : null;
  const ids = list?.success ? list.data.data.map((m) => m.id) : [];
  const model = options.model ?? ids[0] ?? null;
  check("GET /v1/models lists the model", model !== null && ids.includes(model),
    "status" in models ? `status ${models.status}, models: ${ids.join(", ") || "none"}` : models.error);
  if (list?.success && list.data.data.some((m) => m.owned_by?.startsWith("stand-in"))) {
    const local = options.checkIngress === false;
    check("origin is a real model server, not the stand-in", local,
      local ? "stand-in detected; accepted because this is a local run (ingress check skipped)" : "this origin is the stand-in (not a model)");
  }
  if (model === null) return finish(null, null, null);

  const body = {
    model,
    messages: [{ role: "user", content: options.prompt ?? "Reply with one short sentence: is the origin up?" }],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: options.maxTokens ?? 256,
    reasoning_effort: "low",
  };
  try {
    const result = await readChatStream({
      url: `${base}/v1/chat/completions`,
      body,
      headers: originHeaders(options),
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    });
    check("POST /v1/chat/completions answers 200", result.status === 200, `status ${result.status} ${result.errorBody?.slice(0, 200) ?? ""}`.trim());
    if (result.status !== 200) return finish(model, null, null);
    check("answer is text/event-stream", (result.headers.get("content-type") ?? "").startsWith("text/event-stream"),
      `content-type: ${result.headers.get("content-type") ?? "none"}`);
    const { checks: streamChecks, summary } = checkChatStream(result.events, true);
    checks.push(...streamChecks);
    if (result.streamError !== null) check("stream ended cleanly", false, String(result.streamError));
    const firstToken = result.events.find((e) => /"(content|reasoning|reasoning_content)":"[^"]/.test(e.data));
    return finish(model, firstToken === undefined ? null : Math.round(firstToken.at - result.startedAt), summary);
  } catch (error) {
    const cause = error instanceof OriginUnreachableError ? error.cause : error;
    check("POST /v1/chat/completions answers", false, cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    return finish(model, null, null);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The report as lines for a terminal. */
export function formatSmokeReport(report: SmokeReport): string {
  const lines = report.checks.map((c) => `${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}`);
  lines.push(
    report.ok ? `origin OK: model ${report.model ?? "?"}, first token after ${report.ttftMs ?? "?"} ms, reasoning in ${report.stream?.reasoningField ?? "no field"}`
      : `origin FAILED ${report.checks.filter((c) => !c.ok).length} check(s)`,
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  const baseUrl = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? process.env["ORIGIN_URL"];
  if (baseUrl === undefined) {
    console.error("origin-smoke: give the origin's base URL as an argument or in ORIGIN_URL");
    process.exit(2);
  }
  const report = await runOriginSmoke({
    baseUrl,
    ...credentialsFromEnv(process.env),
    ...(process.env["ORIGIN_MODEL"] ? { model: process.env["ORIGIN_MODEL"] } : {}),
    checkIngress: !process.argv.includes("--skip-ingress-check"),
  });
  console.log(formatSmokeReport(report));
  process.exit(report.ok ? 0 : 1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
