/**
 * Starts the local Telegram stand-in on its own: `tsx scripts/local-telegram/main.ts`.
 * Listens on LOCAL_TELEGRAM_PORT (default 8081) and prints the chat page's address; a port that
 * is taken is reported in one line, not a stack trace.
 */
import { PortInUseError } from "./errors";
import { startLocalTelegram } from "./server";

const DEFAULT_PORT = 8081;

async function main(): Promise<void> {
  const raw = process.env.LOCAL_TELEGRAM_PORT ?? String(DEFAULT_PORT);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`LOCAL_TELEGRAM_PORT must be a port number, got "${raw}"`);
    process.exit(1);
  }
  const botToken = process.env.TELEGRAM_BOT_TOKEN;
  try {
    const telegram = await startLocalTelegram({
      port,
      ...(botToken === undefined || botToken === "" ? {} : { botToken }),
      log: (line) => console.log(`[telegram] ${line}`),
    });
    console.log(`local Telegram Bot API: ${telegram.apiRoot}  (bot token ${telegram.botToken})`);
    console.log(`chat page: ${telegram.pageUrl}`);
    const stop = (): void => {
      void telegram.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (error) {
    if (error instanceof PortInUseError) {
      console.error(`local Telegram: port ${error.port} is already in use (set LOCAL_TELEGRAM_PORT to another port)`);
      process.exit(1);
    }
    throw error;
  }
}

await main();
