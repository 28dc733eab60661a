/**
 * Load bench for one GPU origin: at each concurrency level (default 1, 16, 64) that many clients
 * stream answers back to back; the bench reports time to first token (p50, p99) and output
 * tokens per second per level, as a table and as JSON.
 *
 *   ORIGIN_URL=https://gpu-fra-1.origin.example.com ORIGIN_API_KEY=… CF_ACCESS_CLIENT_ID=… \
 *   CF_ACCESS_CLIENT_SECRET=… npx tsx scripts/origin-load.ts --levels=1,16,64 --requests=4 --json-out=out.json
 *
 * Numbers measured against the stand-in describe the stand-in and the network, not a GPU.
 */
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { OriginUnreachableError, readChatStream } from "../gpu-backend/lib/chat-stream";
import { credentialsFromEnv, originHeaders, trimBase } from "../gpu-backend/lib/origin-auth";
import type { OriginCredentials } from "../gpu-backend/lib/origin-auth";

/** Options of {@link runOriginLoad}. */
export interface LoadOptions extends OriginCredentials {
  baseUrl: string;
  model?: string;
  /** Concurrency levels, run one after another; default [1, 16, 64]. */
  levels?: number[];
  /** Requests each client sends back to back at every level; default 4. */
  requestsPerClient?: number;
  maxTokens?: number;
  prompt?: string;
  /** Per-request limit; default 180 s. */
  timeoutMs?: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

/** One level's measurements. Times in milliseconds. */
export interface LevelResult {
  concurrency: number;
  requests: number;
  failures: number;
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
  /** All completion tokens of the level over the level's wall time. */
  outputTokensPerSecond: number;
  /** Median over streams of one stream's completion tokens over its decode time. */
  perStreamTokensPerSecondP50: number | null;
  wallMs: number;
}

/** The whole run. */
export interface LoadReport {
  baseUrl: string;
  model: string;
  startedAt: string;
  levels: LevelResult[];
}

const usageChunkSchema = z.looseObject({ usage: z.looseObject({ completion_tokens: z.number().int() }) });
const modelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })).min(1) });

/** Nearest-rank percentile (`p` in 0..1) of `values`; `null` when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

interface Sample {
  ok: boolean;
  ttftMs: number | null;
  completionTokens: number;
  decodeMs: number;
}

async function oneRequest(options: LoadOptions, model: string, now: () => number): Promise<Sample> {
  const body = {
    model,
    messages: [{ role: "user", content: options.prompt ?? "Explain in a few paragraphs how a KV cache speeds up decoding." }],
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: options.maxTokens ?? 256,
    reasoning_effort: "low",
  };
  try {
    const result = await readChatStream({
      url: `${trimBase(options.baseUrl)}/v1/chat/completions`,
      body,
      headers: originHeaders(options),
      signal: AbortSignal.timeout(options.timeoutMs ?? 180_000),
      now,
    });
    const tokens = result.events.filter((e) => /"(content|reasoning|reasoning_content)":"[^"]/.test(e.data));
    const usage = result.events.map((e) => usageChunkSchema.safeParse(e.json)).findLast((r) => r.success)?.data;
    const first = tokens[0]?.at;
    const last = tokens.at(-1)?.at;
    return {
      ok: result.status === 200 && result.sawDone,
      ttftMs: first === undefined ? null : first - result.startedAt,
      completionTokens: usage?.usage.completion_tokens ?? tokens.length,
      decodeMs: first !== undefined && last !== undefined ? last - first : 0,
    };
  } catch (error) {
    if (!(error instanceof OriginUnreachableError)) throw error;
    return { ok: false, ttftMs: null, completionTokens: 0, decodeMs: 0 };
  }
}

/** Runs one level: `concurrency` clients, each sending `requestsPerClient` requests in a row. */
async function runLevel(options: LoadOptions, model: string, concurrency: number, now: () => number): Promise<LevelResult> {
  const perClient = options.requestsPerClient ?? 4;
  const started = now();
  const samples = (
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const mine: Sample[] = [];
        for (let i = 0; i < perClient; i++) mine.push(await oneRequest(options, model, now));
        return mine;
      }),
    )
  ).flat();
  const wallMs = now() - started;
  const ok = samples.filter((s) => s.ok);
  const ttfts = ok.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs]));
  const perStream = ok.flatMap((s) => (s.decodeMs > 0 && s.completionTokens > 1 ? [((s.completionTokens - 1) * 1000) / s.decodeMs] : []));
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    concurrency,
    requests: samples.length,
    failures: samples.length - ok.length,
    ttftP50Ms: round(percentile(ttfts, 0.5)),
    ttftP99Ms: round(percentile(ttfts, 0.99)),
    outputTokensPerSecond: Math.round((ok.reduce((sum, s) => sum + s.completionTokens, 0) * 1000) / Math.max(1, wallMs)),
    perStreamTokensPerSecondP50: round(percentile(perStream, 0.5)),
    wallMs: Math.round(wallMs),
  };
}

/** The origin listed no model, so there is nothing to ask. */
export class NoModelError extends Error {
  override readonly name = "NoModelError";
  constructor(
    readonly baseUrl: string,
    readonly status: number,
  ) {
    super(`origin-load: ${baseUrl}/v1/models listed no model (status ${status})`);
  }
}

async function firstModel(options: LoadOptions): Promise<string> {
  const response = await fetch(`${trimBase(options.baseUrl)}/v1/models`, { headers: originHeaders(options) });
  const list = modelsSchema.safeParse(await response.json().catch(() => null));
  const id = list.success ? list.data.data[0]?.id : undefined;
  if (id === undefined) throw new NoModelError(options.baseUrl, response.status);
  return id;
}

/** Runs every level in turn. The model defaults to the first one `/v1/models` lists. */
export async function runOriginLoad(options: LoadOptions): Promise<LoadReport> {
  const now = options.now ?? (() => performance.now());
  const model = options.model ?? (await firstModel(options));
  const levels: LevelResult[] = [];
  for (const concurrency of options.levels ?? [1, 16, 64]) levels.push(await runLevel(options, model, concurrency, now));
  return { baseUrl: options.baseUrl, model, startedAt: new Date().toISOString(), levels };
}

/** The report as a fixed-width table. */
export function formatLoadTable(report: LoadReport): string {
  const header = ["concurrency", "requests", "failed", "TTFT p50 ms", "TTFT p99 ms", "output tok/s", "tok/s per stream"];
  const rows = report.levels.map((l) => [
    l.concurrency, l.requests, l.failures, l.ttftP50Ms ?? "-", l.ttftP99Ms ?? "-", l.outputTokensPerSecond, l.perStreamTokensPerSecondP50 ?? "-",
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [`${report.baseUrl}  model ${report.model}`, line(header), ...rows.map(line)].join("\n");
}

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const baseUrl = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? process.env["ORIGIN_URL"];
  if (baseUrl === undefined) {
    console.error("origin-load: give the origin's base URL as an argument or in ORIGIN_URL");
    process.exit(2);
  }
  const levels = (flag("levels") ?? "1,16,64").split(",").map(Number);
  const requests = Number(flag("requests") ?? "4");
  const maxTokens = Number(flag("max-tokens") ?? "256");
  if (levels.some((l) => !Number.isInteger(l) || l < 1) || !Number.isInteger(requests) || requests < 1 || !Number.isInteger(maxTokens) || maxTokens < 1) {
    console.error("origin-load: --levels takes positive integers (1,16,64); --requests and --max-tokens take a positive integer");
    process.exit(2);
  }
  const report = await runOriginLoad({
    baseUrl,
    ...credentialsFromEnv(process.env),
    ...(process.env["ORIGIN_MODEL"] ? { model: process.env["ORIGIN_MODEL"] } : {}),
    levels,
    requestsPerClient: requests,
    maxTokens,
  });
  console.log(formatLoadTable(report));
  const json = JSON.stringify(report, null, 2);
  const out = flag("json-out");
  if (out === undefined) console.log(json);
  else await writeFile(out, json + "\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
