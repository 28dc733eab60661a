/**
 * Worker entry: the HTTP app and the Durable Object classes the runtime must find here.
 */
import { createApp } from "./app";

export { ChatSession } from "../durable-objects/chat-session";
export { AuditLog } from "../durable-objects/audit-log";
export { OriginMonitor } from "../durable-objects/origin-monitor";

export default createApp();
