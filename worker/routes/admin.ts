/**
 * /admin: staff endpoints, behind Cloudflare Access (or the ADMIN_TOKEN bearer locally).
 *
 * GET /admin/audit/export?region=eu&from=...&to=...&chat=...&format=ndjson|csv&after=<cursor>
 * streams the region's audit events in time order (see worker/audit/export-stream.ts). Every
 * request is audited: a refused one as `admin-auth` (the reason stays in the log, the answer says
 * only "unauthorized" or "forbidden"), an export as `export` when it starts and when it ends.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Env } from "../env";
import { loadConfig } from "../config";
import { actorOf, authenticateAdmin } from "../admin/auth";
import type { AdminPrincipal } from "../admin/auth";
import { exportPlan } from "../admin/audit-export";
import { encoderFor } from "../audit/encode";
import { exportDays, exportFileName, parseExportQuery } from "../audit/export-query";
import { exportEvents, exportStream } from "../audit/export-stream";
import { DurableAuditSink } from "../audit/sink";
import { AuditTrail } from "../audit/trail";

type AdminEnv = { Bindings: Env; Variables: { principal: AdminPrincipal; trail: AuditTrail } };

const DENIED_BODY = { 401: "unauthorized", 403: "forbidden", 503: "temporarily unavailable" } as const;

export const admin = new Hono<AdminEnv>();

admin.use("*", async (c, next) => {
  const config = loadConfig(c.env);
  const trail = new AuditTrail(new DurableAuditSink(c.env, config), { logText: false });
  const result = await authenticateAdmin(
    { accessJwt: c.req.header("cf-access-jwt-assertion"), authorization: c.req.header("authorization") },
    config.admin,
  );
  if (!result.ok) {
    // Who knocked is not known; the event goes to the EU shards, the stricter place.
    trail.record({
      kind: "admin-auth",
      region: "eu",
      outcome: `denied:${result.reason}`,
      detail: {
        method: c.req.method,
        path: c.req.path.slice(0, 200),
        status: result.status,
        ...(result.subject === undefined ? {} : { subject: result.subject.slice(0, 200) }),
        ...(c.req.raw.cf?.colo === undefined ? {} : { colo: String(c.req.raw.cf.colo) }),
      },
    });
    c.executionCtx.waitUntil(trail.flush());
    return c.json({ ok: false, error: DENIED_BODY[result.status] }, result.status);
  }
  c.set("principal", result.principal);
  c.set("trail", trail);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(trail.flush());
  }
});

admin.get("/audit/export", (c) => exportAudit(c));

function exportAudit(c: Context<AdminEnv>): Response {
  const config = loadConfig(c.env);
  const trail = c.get("trail");
  const actor = actorOf(c.get("principal"));
  const parsed = parseExportQuery(c.req.query());
  if (!parsed.ok) {
    trail.record({ kind: "export", region: "eu", outcome: "rejected", detail: { actor, error: parsed.error.slice(0, 200) } });
    return c.json({ ok: false, error: parsed.error }, 400);
  }
  const query = parsed.query;
  const startedAt = Date.now();
  const facts = {
    actor,
    from: new Date(query.fromMs).toISOString(),
    to: new Date(query.toMs).toISOString(),
    format: query.format,
    ...(query.after === undefined ? {} : { resumedAfter: query.after.ts }),
  };
  const base = { kind: "export" as const, region: query.region, chatId: query.chatId };
  trail.record({ ...base, outcome: "started", detail: facts });

  const encoder = encoderFor(query.format);
  const days = exportDays(query, startedAt, config.audit.retentionDays);
  const body = exportStream(exportEvents(exportPlan(c.env, config, query, days)), encoder, {
    onDone: (summary) => {
      trail.record({
        ...base,
        outcome: summary.status,
        latencyMs: Date.now() - startedAt,
        detail: { ...facts, events: summary.count },
      });
      c.executionCtx.waitUntil(trail.flush());
    },
  });
  return new Response(body, {
    headers: {
      "content-type": encoder.contentType,
      "content-disposition": `attachment; filename="${exportFileName(query, encoder.extension)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
