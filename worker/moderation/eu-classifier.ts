/**
 * A toxicity classifier served inside the EU (by the Frankfurt GPU origin, behind the same
 * Tunnel and Access service token as the model). The only processor an EU chat's text may reach.
 *
 * Contract: `POST <url>` with `{"text": "...", "kind": "input" | "output"}` answers
 * `{"score": 0.0-1.0}` and optionally `{"flagged": true|false}`, which wins over the threshold.
 */
import { z } from "zod";
import type { OriginCredentials } from "../config";
import type { Fetcher, ModerationKind, ModerationVerdict, Moderator } from "./moderator";
import { ModerationUnavailableError } from "./moderator";

const ResponseSchema = z.looseObject({
  score: z.number().min(0).max(1).optional(),
  flagged: z.boolean().optional(),
});

export interface EuClassifierOptions {
  url: string;
  threshold: number;
  timeoutMs: number;
  credentials?: OriginCredentials | undefined;
  fetch?: Fetcher;
}

export class EuClassifierModerator implements Moderator {
  readonly provider = "eu-classifier";

  constructor(private readonly options: EuClassifierOptions) {}

  async check(text: string, kind: ModerationKind): Promise<ModerationVerdict> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const credentials = this.options.credentials;
    if (credentials?.accessClientId && credentials.accessClientSecret) {
      headers["cf-access-client-id"] = credentials.accessClientId;
      headers["cf-access-client-secret"] = credentials.accessClientSecret;
    }
    if (credentials?.apiKey) headers.authorization = `Bearer ${credentials.apiKey}`;
    const doFetch: Fetcher = this.options.fetch ?? ((input, init) => fetch(input, init));
    let response: Response;
    try {
      response = await doFetch(this.options.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ text, kind }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new ModerationUnavailableError(this.provider, 0, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ModerationUnavailableError(this.provider, response.status);
    }
    const parsed = ResponseSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success || (parsed.data.score === undefined && parsed.data.flagged === undefined)) {
      throw new ModerationUnavailableError(this.provider, response.status, { cause: parsed.error });
    }
    const { score, flagged } = parsed.data;
    return {
      flagged: flagged ?? (score ?? 0) >= this.options.threshold,
      ...(score === undefined ? {} : { score }),
      provider: this.provider,
    };
  }
}
