/**
 * Audit events for requests refused at the edge (a webhook with a wrong or missing secret).
 *
 * Anyone on the internet can send those, so each one writing an audit event would let a flood
 * of junk requests turn into a flood of Durable Object writes. A per-isolate budget keeps at
 * most `perSecond` such events a second; the ones it drops are counted into the next event's
 * `suppressed`, so the log still says how many there were. (A WAF rate-limiting rule on
 * /telegram/webhook for addresses outside Telegram's ranges is the first line; see
 * docs/compliance.md.)
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { DurableAuditSink } from "./sink";
import { AuditTrail } from "./trail";

/** Lets `perSecond` events through per one-second window and counts the rest. Pure but for state. */
export class RejectionSampler {
  private windowStart = -Infinity;
  private inWindow = 0;
  private suppressed = 0;

  constructor(private readonly perSecond: number) {}

  /** Whether to record now; `suppressed` is how many were dropped since the last recorded one. */
  take(nowMs: number): { record: boolean; suppressed: number } {
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.perSecond) {
      this.suppressed += 1;
      return { record: false, suppressed: 0 };
    }
    this.inWindow += 1;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { record: true, suppressed };
  }
}

const sampler = new RejectionSampler(10);

/** Records a refused webhook (no chat is known, so it goes to the EU shards). */
export function auditRejectedWebhook(
  env: Pick<Env, "AUDIT_LOG">,
  config: Config,
  waitUntil: (promise: Promise<unknown>) => void,
  facts: { status: number; reason: string; colo?: string | undefined },
): void {
  const decision = sampler.take(Date.now());
  if (!decision.record) return;
  const trail = new AuditTrail(new DurableAuditSink(env, config), { logText: false });
  trail.record({
    kind: "webhook-rejected",
    region: "eu",
    outcome: facts.reason,
    detail: {
      status: facts.status,
      ...(facts.colo === undefined ? {} : { colo: facts.colo }),
      ...(decision.suppressed > 0 ? { suppressed: decision.suppressed } : {}),
    },
  });
  waitUntil(trail.flush());
}
