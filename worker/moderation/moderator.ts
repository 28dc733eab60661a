/**
 * The pluggable moderation step: every user input and every final answer passes one
 * `Moderator`. Which one a chat gets depends on its residency (./select): an EU chat's text only
 * ever goes to a processor in the EU, or to none.
 */

export type ModerationKind = "input" | "output";

export interface ModerationVerdict {
  flagged: boolean;
  /** The provider's score in [0, 1], when it gives one. */
  score?: number;
  provider: string;
}

export interface Moderator {
  /** The provider's name, as recorded in audit events ("none", "perspective", "eu-classifier"). */
  readonly provider: string;
  check(text: string, kind: ModerationKind): Promise<ModerationVerdict>;
}

/** The provider could not give a verdict (HTTP error, timeout, malformed answer). */
export class ModerationUnavailableError extends Error {
  override readonly name = "ModerationUnavailableError";

  constructor(
    readonly provider: string,
    /** HTTP status, or 0 when no answer came. */
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(`moderation provider ${provider} unavailable (${status || "no answer"})`, options);
  }
}

/** Moderation switched off: everything passes, nothing is sent anywhere. */
export const NO_MODERATION: Moderator = {
  provider: "none",
  check: async () => ({ flagged: false, provider: "none" }),
};

/** What a moderator needs to call out. */
export type Fetcher = (input: string, init: RequestInit) => Promise<Response>;
