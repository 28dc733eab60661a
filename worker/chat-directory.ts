/**
 * Finds a chat's Durable Object without any round trip: the id is derived from the chat id.
 *
 * Every ChatSession lives in the EU jurisdiction in staging and production. The objects run in
 * western Europe anyway (Telegram's servers are in Amsterdam, so its webhooks enter Cloudflare
 * there), one jurisdiction needs no chat → jurisdiction directory that must be consistent at first
 * contact, and EU chats' state is in the EU by construction. Residency then decides only which
 * origins and processors may see a chat's content. See docs/architecture.md.
 *
 * workerd (local dev and tests) does not implement jurisdictions, so CHAT_JURISDICTION=none is
 * allowed there; wrangler.toml sets "eu" for every deployed environment and a test checks it.
 */
import type { Config } from "./config";
import type { Env } from "./env";

export function chatObjectName(chatId: number): string {
  return `chat:${chatId}`;
}

function chatSessionNamespace(env: Pick<Env, "CHAT_SESSION">, config: Pick<Config, "chatJurisdiction">) {
  return config.chatJurisdiction === "eu" ? env.CHAT_SESSION.jurisdiction("eu") : env.CHAT_SESSION;
}

export function chatSession(env: Pick<Env, "CHAT_SESSION">, config: Pick<Config, "chatJurisdiction">, chatId: number) {
  const namespace = chatSessionNamespace(env, config);
  return namespace.get(namespace.idFromName(chatObjectName(chatId)));
}
