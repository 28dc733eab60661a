/**
 * The Worker's bindings. Settings (vars and secrets) are read through `loadConfig`, never from
 * here directly, so every one of them is validated before use.
 */
import type { ChatSession } from "../durable-objects/chat-session";

export interface Env {
  CHAT_SESSION: DurableObjectNamespace<ChatSession>;
}
