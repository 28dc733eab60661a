/**
 * Stand-ins for the two moderation processors, on one loopback server:
 * - `POST /v1alpha1/comments:analyze?key=...`: Perspective API's shape (TOXICITY summary score);
 * - `POST /eu/classify`: the EU classifier's contract (`{ text, kind }` → `{ score }`).
 * Both score a text 0.97 when it contains the marker word and 0.03 otherwise, and record what
 * they were sent, so a test can prove which processor saw which text. Test-only.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Texts containing this word are toxic to the stand-ins (matched case-insensitively). */
export const MODERATION_MARKER = "zorblax";

export interface ModerationRequest {
  provider: "perspective" | "eu-classifier";
  text: string;
  kind?: string;
  key?: string | null;
}

export interface ModerationStandIn {
  perspectiveUrl: string;
  euClassifierUrl: string;
  /** Every request so far, oldest first. */
  requests(): ModerationRequest[];
  /** Answers every request with this HTTP status until cleared with null. */
  setFault(status: number | null): void;
  close(): Promise<void>;
}

const score = (text: string) => (text.toLowerCase().includes(MODERATION_MARKER) ? 0.97 : 0.03);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export async function startModerationStandIn(options: { perspectiveKey: string }): Promise<ModerationStandIn> {
  const seen: ModerationRequest[] = [];
  let fault: number | null = null;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method !== "POST") return send(res, 405, { error: "method not allowed" });
      const body = (await readJson(req).catch(() => undefined)) as Record<string, unknown> | undefined;
      if (url.pathname === "/v1alpha1/comments:analyze") {
        const comment = body?.comment as { text?: unknown } | undefined;
        const text = typeof comment?.text === "string" ? comment.text : "";
        const key = url.searchParams.get("key");
        seen.push({ provider: "perspective", text, key });
        if (fault !== null) return send(res, fault, { error: { code: fault, message: "injected fault" } });
        if (key !== options.perspectiveKey) return send(res, 400, { error: { code: 400, message: "API key not valid." } });
        return send(res, 200, {
          attributeScores: { TOXICITY: { summaryScore: { value: score(text), type: "PROBABILITY" } } },
          languages: ["en"],
        });
      }
      if (url.pathname === "/eu/classify") {
        const text = typeof body?.text === "string" ? body.text : "";
        seen.push({ provider: "eu-classifier", text, kind: typeof body?.kind === "string" ? body.kind : undefined });
        if (fault !== null) return send(res, fault, { error: "injected fault" });
        return send(res, 200, { score: score(text) });
      }
      return send(res, 404, { error: "not found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("moderation stand-in has no port");
  const root = `http://127.0.0.1:${address.port}`;
  return {
    perspectiveUrl: `${root}/v1alpha1/comments:analyze`,
    euClassifierUrl: `${root}/eu/classify`,
    requests: () => seen.map((r) => ({ ...r })),
    setFault: (status) => {
      fault = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
