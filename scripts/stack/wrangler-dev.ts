/**
 * Runs a Worker in the local runtime with `wrangler dev` (real workerd, real SQLite Durable
 * Objects) as a child process, and knows when it is ready and how to stop it.
 *
 * Settings go in through a private env file (`--env-file`, mode 0600, in the stack's temporary
 * folder) rather than a `.dev.vars` in the repository: two stacks (a test and `npm start`, or the
 * bench's two workers) never overwrite each other's secrets, and nothing is left behind. Wrangler
 * reads an explicit `--env-file` instead of `.dev.vars`, and its values override wrangler.toml's
 * `[vars]`. State goes to `--persist-to`, also per stack, because the local Telegram numbers
 * updates from 1 on every start and a stale inbox would take them for redeliveries.
 *
 * The child leads its own process group, so stopping kills wrangler's node and both workerd
 * processes (the dev proxy and the Worker) together.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { descendants, readCmdline } from "./process-tree";

export interface WranglerDevOptions {
  /** The repository root (wrangler's working directory). */
  cwd: string;
  /** Wrangler configuration file; default wrangler.toml in `cwd`. */
  configPath?: string;
  /** `--env`; "" selects the top-level (local) configuration explicitly. */
  env?: string;
  port: number;
  inspectorPort: number;
  /** Vars and secrets for the Worker; they override wrangler.toml's `[vars]`. */
  vars: Record<string, string>;
  /** A private folder for the env file and the Durable Objects' state. */
  workDir: string;
  /** Each line wrangler prints (the Worker's console output included). */
  onLine?: (line: string) => void;
  /** Polled until it answers 200 (default "/health"). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  /** wrangler's DevTools inspector (CPU profiles, heap snapshots), e.g. http://127.0.0.1:9229. */
  inspectorUrl: string;
  /** The wrangler child (leader of its process group). */
  pid: number;
  /** Resolves with the exit code (or null after a signal) once wrangler ends. */
  exited: Promise<number | null>;
  /** The workerd processes: `proxy` answers on `port` and forwards to `worker`, which runs the code. */
  workerd(): { proxy: number[]; worker: number[] };
  /** The last lines wrangler printed. */
  outputTail(): string[];
  /** Stops wrangler and its workerd processes (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** wrangler dev ended before it was ready, or its Worker refused to start. */
export class WranglerDevError extends Error {
  override readonly name = "WranglerDevError";
  constructor(
    message: string,
    readonly outputTail: string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const TAIL_LINES = 60;

/** Formats vars as a dotenv file, quoting each value with a quote character it does not contain. */
export function formatEnvFile(vars: Record<string, string>): string {
  const lines = Object.entries(vars).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new RangeError(`not a variable name: ${key}`);
    if (/[\r\n]/.test(value)) throw new RangeError(`${key}: values cannot span lines`);
    const quote = ["'", '"', "`"].find((q) => !value.includes(q));
    if (quote === undefined) throw new RangeError(`${key}: the value contains every quote character`);
    return `${key}=${quote}${value}${quote}`;
  });
  return `${lines.join("\n")}\n`;
}

function wranglerBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts `wrangler dev` and resolves once `readyPath` answers 200. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const envFile = join(options.workDir, `worker-${options.port}.env`);
  await writeFile(envFile, formatEnvFile(options.vars), { mode: 0o600 });
  const args = [
    wranglerBin(), "dev",
    ...(options.configPath === undefined ? [] : ["--config", options.configPath]),
    ...(options.env === undefined ? [] : ["--env", options.env]),
    "--port", String(options.port),
    "--ip", "127.0.0.1",
    "--inspector-port", String(options.inspectorPort),
    "--env-file", envFile,
    "--persist-to", join(options.workDir, `state-${options.port}`),
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const pid = child.pid;
  if (pid === undefined) throw new WranglerDevError("could not start wrangler dev", []);
  // A crash of this process must not leave workerd running.
  const killOnExit = (): void => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const tail: string[] = [];
  const onText = (chunk: Buffer, buffered: { rest: string }): void => {
    const lines = (buffered.rest + chunk.toString("utf8")).split("\n");
    buffered.rest = lines.pop() ?? "";
    for (const line of lines) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(line);
    }
  };
  const out = { rest: "" };
  const err = { rest: "" };
  child.stdout?.on("data", (chunk: Buffer) => onText(chunk, out));
  child.stderr?.on("data", (chunk: Buffer) => onText(chunk, err));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      process.off("exit", killOnExit);
      resolve(code);
    }),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `http://127.0.0.1:${options.port}`;
  const handle: WranglerDev = {
    url,
    inspectorUrl: `http://127.0.0.1:${options.inspectorPort}`,
    pid,
    exited,
    workerd() {
      const proxy: number[] = [];
      const worker: number[] = [];
      for (const proc of descendants(pid)) {
        if (proc.comm !== "workerd") continue;
        const entry = readCmdline(proc.pid).find((a) => a.startsWith("--socket-addr=entry="));
        (entry?.endsWith(`:${options.port}`) === true ? proxy : worker).push(proc.pid);
      }
      return { proxy, worker };
    },
    outputTail: () => [...tail],
    async stop() {
      if (hasExited) return;
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
      // wrangler may have left workerd behind in the group; make sure nothing of it survives.
      killGroup(child, "SIGKILL");
    },
  };

  try {
    await waitUntilReady(url + (options.readyPath ?? "/health"), options.readyTimeoutMs ?? 90_000, () => hasExited, tail);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

async function waitUntilReady(url: string, timeoutMs: number, exited: () => boolean, tail: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new WranglerDevError("wrangler dev exited before the Worker was ready", [...tail]);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = await response.text();
      if (response.ok) return;
      if (response.status === 500 && body.includes("misconfigured")) {
        throw new WranglerDevError(`the Worker refused its settings: ${body}`, [...tail]);
      }
    } catch (error) {
      if (error instanceof WranglerDevError) throw error;
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new WranglerDevError(`wrangler dev was not ready within ${Math.round(timeoutMs / 1000)} s`, [...tail]);
}
