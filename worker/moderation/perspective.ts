/**
 * Perspective API (Google Jigsaw): the TOXICITY score of a text; flagged at or above the
 * threshold. Used only for non-EU chats (Google processes the text outside the EU).
 * https://developers.perspectiveapi.com/s/about-the-api-methods
 *
 * Perspective takes at most 20 KB a request, so a long answer is checked in segments and is
 * flagged when any segment is. `doNotStore` asks Google not to keep the text.
 */
import { z } from "zod";
import type { Fetcher, ModerationKind, ModerationVerdict, Moderator } from "./moderator";
import { postForVerdict } from "./moderator";

/** Characters a segment holds: 5,000 characters are at most 20,000 bytes of UTF-8. */
export const PERSPECTIVE_SEGMENT_CHARS = 5000;
/** Segments checked at most; the rest of a very long answer is not checked. */
const MAX_SEGMENTS = 4;

const ResponseSchema = z.looseObject({
  attributeScores: z.looseObject({
    TOXICITY: z.looseObject({ summaryScore: z.looseObject({ value: z.number().min(0).max(1) }) }),
  }),
});

export interface PerspectiveOptions {
  url: string;
  apiKey: string;
  threshold: number;
  timeoutMs: number;
  fetch?: Fetcher;
}

export class PerspectiveModerator implements Moderator {
  readonly provider = "perspective";

  constructor(private readonly options: PerspectiveOptions) {}

  async check(text: string, _kind: ModerationKind): Promise<ModerationVerdict> {
    let highest = 0;
    for (let i = 0; i < MAX_SEGMENTS && i * PERSPECTIVE_SEGMENT_CHARS < text.length; i++) {
      const score = await this.score(text.slice(i * PERSPECTIVE_SEGMENT_CHARS, (i + 1) * PERSPECTIVE_SEGMENT_CHARS));
      highest = Math.max(highest, score);
      if (highest >= this.options.threshold) break;
    }
    return { flagged: highest >= this.options.threshold, score: highest, provider: this.provider };
  }

  private async score(text: string): Promise<number> {
    const url = new URL(this.options.url);
    url.searchParams.set("key", this.options.apiKey);
    const data = await postForVerdict({
      provider: this.provider, url: url.toString(), headers: {},
      body: { comment: { text }, requestedAttributes: { TOXICITY: {} }, doNotStore: true },
      timeoutMs: this.options.timeoutMs, schema: ResponseSchema, fetch: this.options.fetch,
    });
    return data.attributeScores.TOXICITY.summaryScore.value;
  }
}
