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
import { ModerationUnavailableError, postForVerdict } from "./moderator";

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
    const headers: Record<string, string> = {};
    const credentials = this.options.credentials;
    if (credentials?.accessClientId && credentials.accessClientSecret) {
      headers["cf-access-client-id"] = credentials.accessClientId;
      headers["cf-access-client-secret"] = credentials.accessClientSecret;
    }
    if (credentials?.apiKey) headers.authorization = `Bearer ${credentials.apiKey}`;
    const data = await postForVerdict({
      provider: this.provider, url: this.options.url, headers, body: { text, kind },
      timeoutMs: this.options.timeoutMs, schema: ResponseSchema, fetch: this.options.fetch,
    });
    if (data.score === undefined && data.flagged === undefined) {
      throw new ModerationUnavailableError(this.provider, 200);
    }
    const { score, flagged } = data;
    return {
      flagged: flagged ?? (score ?? 0) >= this.options.threshold,
      ...(score === undefined ? {} : { score }),
      provider: this.provider,
    };
  }
}
