/**
 * Command-line entry of the stand-in model server: `npx tsx gpu-backend/stand-in/main.ts`.
 *
 * Environment: PORT (default 8000, vLLM's port), HOST (default 127.0.0.1), STANDIN_API_KEY,
 * STANDIN_MODEL, STANDIN_TTFT_MS, STANDIN_TOKENS_PER_SECOND, STANDIN_MAX_RUNNING, STANDIN_QUIET=1.
 * A bad setting or a taken port ends the process with one line naming the problem.
 */
import { z } from "zod";
import { DEFAULT_MODEL_NAME, PortInUseError, startStandInModel } from "./server";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default("127.0.0.1"),
  STANDIN_API_KEY: z.string().min(1).optional(),
  STANDIN_MODEL: z.string().min(1).default(DEFAULT_MODEL_NAME),
  STANDIN_TTFT_MS: z.coerce.number().min(0).default(150),
  STANDIN_TOKENS_PER_SECOND: z.coerce.number().min(0).default(80),
  STANDIN_MAX_RUNNING: z.coerce.number().int().positive().optional(),
  STANDIN_QUIET: z.enum(["0", "1"]).default("0"),
});

const BANNER = [
  "┌──────────────────────────────────────────────────────────────────────┐",
  "│ STAND-IN MODEL SERVER: this is NOT a model.                          │",
  "│ It speaks vLLM's OpenAI-compatible API and streams canned text.      │",
  "│ For offline development and tests only; no GPU, no weights.         │",
  "└──────────────────────────────────────────────────────────────────────┘",
].join("\n");

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`stand-in: bad setting ${String(issue?.path[0] ?? "?")}: ${issue?.message ?? "invalid"}`);
    process.exit(2);
  }
  const env = parsed.data;
  console.log(BANNER);
  try {
    const model = await startStandInModel({
      port: env.PORT,
      host: env.HOST,
      modelName: env.STANDIN_MODEL,
      ttftMs: env.STANDIN_TTFT_MS,
      tokensPerSecond: env.STANDIN_TOKENS_PER_SECOND,
      ...(env.STANDIN_API_KEY === undefined ? {} : { apiKey: env.STANDIN_API_KEY }),
      ...(env.STANDIN_MAX_RUNNING === undefined ? {} : { maxRunning: env.STANDIN_MAX_RUNNING }),
      log: env.STANDIN_QUIET === "1" ? () => {} : (line) => console.log(line),
    });
    console.log(`stand-in: POST ${model.url}/v1/chat/completions  (api key ${env.STANDIN_API_KEY === undefined ? "off" : "on"}, ttft ${env.STANDIN_TTFT_MS} ms, ${env.STANDIN_TOKENS_PER_SECOND} tokens/s)`);
    const stop = () => void model.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (error) {
    if (error instanceof PortInUseError) {
      console.error(`stand-in: port ${error.port} is already in use on ${error.host}; set PORT to another port`);
    } else {
      console.error(`stand-in: could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  }
}

await main();
