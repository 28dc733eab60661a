/**
 * The moderation step of one answer: checks the input before the model sees it and the answer
 * before it is delivered, and audits every decision (provider, verdict, score, latency; never
 * the text).
 *
 * A provider failure lets the text through (fail open) and is audited as `error`: moderation is a
 * filter on top of the model's own safety training, and an outage of Perspective must not take the
 * bot down with it. docs/compliance.md says so.
 *
 * While output moderation is on, `holdsPreviews` tells the answer job not to stream unchecked
 * text into drafts (MODERATION_HOLD_PREVIEWS, default true): the user sees "Thinking…" and then
 * the checked answer.
 */
import type { Config } from "../config";
import type { Residency } from "../chat/residency";
import type { AuditRecorder } from "../audit/trail";
import type { Fetcher, ModerationKind, Moderator } from "./moderator";
import { moderatorFor } from "./select";

export interface ModerationSubject {
  chatId: number;
  userId?: number | undefined;
  updateId?: number | undefined;
}

export class ModerationGate {
  constructor(
    private readonly moderator: Moderator,
    private readonly audit: AuditRecorder,
    private readonly region: Residency,
    private readonly subject: ModerationSubject,
    private readonly holdPreviews: boolean,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** True when previews of the answer must wait for the final check. */
  get holdsPreviews(): boolean {
    return this.holdPreviews && this.moderator.provider !== "none";
  }

  /** True when `text` is flagged and must not go on (input) or be shown (output). */
  async refuses(text: string, kind: ModerationKind): Promise<boolean> {
    if (this.moderator.provider === "none" || text.trim().length === 0) return false;
    const startedAt = Date.now();
    const base = { kind: "moderation" as const, region: this.region, ...this.subject };
    try {
      const verdict = await this.moderator.check(text, kind);
      this.audit.record({
        ...base,
        outcome: `${kind}:${verdict.flagged ? "flagged" : "passed"}`,
        origin: verdict.provider,
        latencyMs: Date.now() - startedAt,
        ...(verdict.score === undefined ? {} : { detail: { score: verdict.score } }),
      });
      return verdict.flagged;
    } catch (error) {
      this.onError(error);
      this.audit.record({
        ...base,
        outcome: `${kind}:error`,
        origin: this.moderator.provider,
        latencyMs: Date.now() - startedAt,
        detail: { error: error instanceof Error ? error.name : "unknown" },
      });
      return false;
    }
  }
}

/** The gate of one answer in a chat of `region`. */
export function moderationGate(
  deps: { config: Pick<Config, "moderation">; audit: AuditRecorder },
  region: Residency,
  subject: ModerationSubject,
  onError?: (error: unknown) => void,
  fetcher?: Fetcher,
): ModerationGate {
  const moderator = moderatorFor(deps.config.moderation, region, fetcher);
  return new ModerationGate(moderator, deps.audit, region, subject, deps.config.moderation.holdPreviews, onError);
}
