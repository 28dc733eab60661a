import { DurableObject } from "cloudflare:workers";
export class ChatSession extends DurableObject<Env> {
  async ping(url: string): Promise<string> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO t VALUES (1)");
    const r = await fetch(url);
    return await r.text();
  }
}
interface Env { CHAT_SESSION: DurableObjectNamespace<ChatSession>; PROBE_URL: string }
export default {
  async fetch(req: Request, env: Env) {
    const ns = env.CHAT_SESSION;
    const stub = ns.get(ns.idFromName("x"));
    return new Response(await stub.ping(env.PROBE_URL) + " " + String(stub.id.jurisdiction));
  },
};
