/**
 * The audit export for compliance staff: asks GET /admin/audit/export for a range, shows
 * progress, writes the file, and prints how many events it holds and the time they span.
 *
 *   AUDIT_ACCESS_JWT=$(cloudflared access token -app=https://bot.example.com) \
 *   npx tsx scripts/audit-export.ts --url https://bot.example.com --region eu \
 *     --from 2026-11-01 --to 2026-11-25 [--chat 123456] [--format csv|ndjson] [--out file] [--resume]
 *
 * ADMIN_TOKEN=… instead of AUDIT_ACCESS_JWT for a local Worker (`npm start`).
 *
 * It always fetches NDJSON (exact, one event a line) and writes the chosen format with the
 * Worker's own encoder, so it knows the cursor of the last event written. A dropped connection
 * is resumed after that event into the same file (a few times, with backoff); if the connection
 * stays down it stops with a clear message, and `--resume` later continues from the progress file
 * `<out>.progress.json`, cutting off any half-written record first.
 */
import { open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { AuditEventSchema, formatCursor } from "../worker/audit/event";
import type { AuditEvent } from "../worker/audit/event";
import { encoderFor } from "../worker/audit/encode";
import type { ExportFormat } from "../worker/audit/encode";

const USAGE =
  "usage: audit-export --url <worker> --region eu|global --from <time> --to <time> [--chat <id>] [--format csv|ndjson] [--out <file>] [--resume] [--retries <n>]";

export interface ExportOptions {
  url: string;
  region: "eu" | "global";
  from: string;
  to: string;
  chat?: string | undefined;
  format: ExportFormat;
  out: string;
  resume: boolean;
  retries: number;
  auth: { accessJwt?: string | undefined; adminToken?: string | undefined };
}

export interface ExportDeps {
  fetch?: typeof fetch;
  progress?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ExportResult {
  count: number;
  firstTs?: number | undefined;
  lastTs?: number | undefined;
  file: string;
}

/** The export cannot go on: a refusal, a bad request, or a connection that stays down. */
export class AuditExportError extends Error {
  override readonly name = "AuditExportError";

  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const ProgressSchema = z.object({
  query: z.object({ url: z.string(), region: z.string(), from: z.string(), to: z.string(), chat: z.string().optional(), format: z.string() }),
  after: z.string().optional(),
  count: z.number().int(),
  firstTs: z.number().optional(),
  lastTs: z.number().optional(),
  bytes: z.number().int(),
});
type Progress = z.infer<typeof ProgressSchema>;

const progressFile = (out: string) => `${out}.progress.json`;

async function saveProgress(out: string, progress: Progress): Promise<void> {
  await writeFile(`${progressFile(out)}.tmp`, JSON.stringify(progress));
  await rename(`${progressFile(out)}.tmp`, progressFile(out));
}

function exportUrl(o: ExportOptions, after: string | undefined): string {
  const url = new URL("/admin/audit/export", o.url);
  const params: Record<string, string> = { region: o.region, from: o.from, to: o.to, format: "ndjson" };
  if (o.chat !== undefined) params.chat = o.chat;
  if (after !== undefined) params.after = after;
  url.search = new URLSearchParams(params).toString();
  return url.toString();
}

function authHeaders(auth: ExportOptions["auth"]): Record<string, string> {
  if (auth.accessJwt) return { "cf-access-jwt-assertion": auth.accessJwt };
  if (auth.adminToken) return { authorization: `Bearer ${auth.adminToken}` };
  throw new AuditExportError("no credentials: set AUDIT_ACCESS_JWT (Cloudflare Access) or ADMIN_TOKEN", 3);
}

/** Runs one export into `o.out`; resumes a previous run with `o.resume`. */
export async function runExport(o: ExportOptions, deps: ExportDeps = {}): Promise<ExportResult> {
  const doFetch = deps.fetch ?? fetch;
  const report = deps.progress ?? (() => {});
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const encoder = encoderFor(o.format);
  const query = { url: o.url, region: o.region, from: o.from, to: o.to, ...(o.chat === undefined ? {} : { chat: o.chat }), format: o.format };

  let progress: Progress = { query, count: 0, bytes: 0 };
  if (o.resume) {
    const saved = ProgressSchema.safeParse(JSON.parse(await readFile(progressFile(o.out), "utf8").catch(() => "null")));
    if (!saved.success) throw new AuditExportError(`nothing to resume: ${progressFile(o.out)} is missing or unreadable`, 2);
    if (JSON.stringify(saved.data.query) !== JSON.stringify(query)) {
      throw new AuditExportError(`${progressFile(o.out)} belongs to another export (${JSON.stringify(saved.data.query)})`, 2);
    }
    progress = saved.data;
  }
  const file = await open(o.out, o.resume ? "r+" : "w");
  try {
    // Drop whatever was written after the last recorded event (a half record of a broken run).
    await file.truncate(progress.bytes);
    if (progress.bytes === 0 && encoder.header.length > 0) {
      progress.bytes += (await file.write(encoder.header, progress.bytes)).bytesWritten;
      await saveProgress(o.out, progress);
    }
    const fromMs = instantMs(o.from);
    const toMs = instantMs(o.to);
    let lastReport = 0;
    const show = (force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < 500) return;
      lastReport = now;
      const at = progress.lastTs === undefined ? "" : ` · at ${new Date(progress.lastTs).toISOString()}`;
      const share = progress.lastTs !== undefined && toMs > fromMs ? ` · ${Math.min(100, Math.floor(((progress.lastTs - fromMs) / (toMs - fromMs)) * 100))}%` : "";
      report(`${progress.count} events${at}${share}`);
    };

    for (let attempt = 0; ; attempt++) {
      try {
        await fetchInto(o, progress, encoder.line, file, doFetch, show);
        break;
      } catch (error) {
        if (error instanceof AuditExportError) throw error;
        if (attempt >= o.retries) {
          throw new AuditExportError(
            `connection dropped after ${progress.count} events (${describe(error)}); ${o.out} holds them. ` +
              `Run again with --resume to continue after ${progress.after ?? "the start"}.`,
            4,
            { cause: error },
          );
        }
        report(`connection dropped after ${progress.count} events (${describe(error)}); resuming`);
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
    show(true);
  } finally {
    await file.close();
  }
  await rm(progressFile(o.out), { force: true });
  return { count: progress.count, firstTs: progress.firstTs, lastTs: progress.lastTs, file: o.out };
}

/** One request: streams events into the file, recording the cursor after each written batch. */
async function fetchInto(
  o: ExportOptions,
  progress: Progress,
  line: (event: AuditEvent) => string,
  file: Awaited<ReturnType<typeof open>>,
  doFetch: typeof fetch,
  show: () => void,
): Promise<void> {
  const response = await doFetch(exportUrl(o, progress.after), { headers: authHeaders(o.auth) });
  if (response.status === 401 || response.status === 403) {
    throw new AuditExportError(`not authorized (HTTP ${response.status}): check AUDIT_ACCESS_JWT or ADMIN_TOKEN`, 3);
  }
  if (response.status === 400) throw new AuditExportError(`the Worker refused the request: ${await response.text()}`, 2);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    let chunk = "";
    let last: AuditEvent | undefined;
    for (const text of lines) {
      if (text.trim() === "") continue;
      const event = AuditEventSchema.parse(JSON.parse(text));
      chunk += line(event);
      progress.count += 1;
      progress.firstTs ??= event.ts;
      last = event;
    }
    if (last) {
      progress.bytes += (await file.write(chunk, progress.bytes)).bytesWritten;
      progress.lastTs = last.ts;
      progress.after = formatCursor(last);
      await saveProgress(o.out, progress);
      show();
    }
  }
  if (pending.trim() !== "") throw new Error("the stream ended inside a record");
}

/** `2026-11-25`, an ISO time or epoch ms, as the Worker reads them (for the progress share). */
function instantMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The CLI: parses arguments and the environment, runs the export, prints the summary. */
export async function runAuditExportCli(
  argv: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
  deps: ExportDeps = {},
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string" }, region: { type: "string" }, from: { type: "string" }, to: { type: "string" },
        chat: { type: "string" }, format: { type: "string" }, out: { type: "string" },
        resume: { type: "boolean" }, retries: { type: "string" },
      },
    });
    const region = values.region;
    if (!values.url || (region !== "eu" && region !== "global") || !values.from || !values.to) {
      print(USAGE);
      return 2;
    }
    const format = values.format ?? "csv";
    if (format !== "csv" && format !== "ndjson") throw new AuditExportError(`--format must be csv or ndjson, got ${format}`, 2);
    const chat = values.chat === undefined ? "" : `-chat${values.chat}`;
    const out = values.out ?? `audit-${region}${chat}-${values.from.slice(0, 10)}-${values.to.slice(0, 10)}.${format}`;
    const result = await runExport(
      {
        url: values.url, region, from: values.from, to: values.to, chat: values.chat, format, out,
        resume: values.resume ?? false, retries: Number(values.retries ?? "5"),
        auth: { accessJwt: env.AUDIT_ACCESS_JWT, adminToken: env.ADMIN_TOKEN },
      },
      { progress: (line) => process.stderr.write(`${line}\n`), ...deps },
    );
    const span =
      result.firstTs === undefined || result.lastTs === undefined
        ? "no events in the range"
        : `from ${new Date(result.firstTs).toISOString()} to ${new Date(result.lastTs).toISOString()}`;
    print(`${result.count} events, ${span}, written to ${result.file}`);
    return 0;
  } catch (error) {
    if (error instanceof AuditExportError) {
      print(error.message);
      return error.exitCode;
    }
    if (error instanceof TypeError && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS")) {
      print(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAuditExportCli(process.argv.slice(2), process.env, (line) => console.log(line));
}
