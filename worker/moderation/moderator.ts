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

/**
 * POSTs JSON to a moderation processor and validates its answer with `schema`. Every way it can
 * fail (no answer, non-2xx, a body that does not parse) is a ModerationUnavailableError.
 */
export async function postForVerdict<T>(args: {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } };
  fetch?: Fetcher | undefined;
}): Promise<T> {
  const doFetch: Fetcher = args.fetch ?? ((input, init) => fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(args.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...args.headers },
      body: JSON.stringify(args.body),
      signal: AbortSignal.timeout(args.timeoutMs),
    });
  } catch (error) {
    throw new ModerationUnavailableError(args.provider, 0, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ModerationUnavailableError(args.provider, response.status);
  }
  const parsed = args.schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ModerationUnavailableError(args.provider, response.status, { cause: parsed.error });
  return parsed.data;
}
