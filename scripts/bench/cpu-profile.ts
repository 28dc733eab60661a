/**
 * A CPU profile of the Worker while the bench runs, through wrangler dev's DevTools inspector
 * (Chrome DevTools Protocol: Profiler.start / Profiler.stop), summarized into the functions that
 * used the most CPU themselves. It answers "what dominates" with a measurement instead of a
 * guess. Sampling costs some CPU, so the bench profiles only when asked (`--profile`).
 */
import { z } from "zod";

export interface ProfileSummary {
  sampledMs: number;
  idleMs: number;
  /** Functions by self time, largest first: "name file:line" → milliseconds. */
  top: { fn: string; ms: number; share: number }[];
}

const targetsSchema = z.array(z.looseObject({ webSocketDebuggerUrl: z.string() }));
const profileSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }) })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type Profile = z.infer<typeof profileSchema>;

/** Self time per function, from a DevTools CPU profile. */
export function summarizeProfile(profile: Profile, topN = 15): ProfileSummary {
  const names = new Map(profile.nodes.map((n) => {
    const file = n.callFrame.url.split("/").at(-1) ?? "";
    return [n.id, file === "" ? n.callFrame.functionName || "(anonymous)" : `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`];
  }));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = names.get(id) ?? "?";
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const idleMs = self.get("(idle)") ?? 0;
  const sampledMs = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = sampledMs - idleMs;
  const top = [...self.entries()]
    .filter(([fn]) => fn !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, ms]) => ({ fn: fn.slice(0, 120), ms: Math.round(ms), share: busy === 0 ? 0 : Number((ms / busy).toFixed(3)) }));
  return { sampledMs: Math.round(sampledMs), idleMs: Math.round(idleMs), top };
}

/** Starts profiling the Worker behind `inspectorUrl`; the returned function stops and summarizes. */
export async function startCpuProfile(inspectorUrl: string): Promise<() => Promise<ProfileSummary>> {
  const targets = targetsSchema.parse(await (await fetch(`${inspectorUrl}/json`)).json());
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error("wrangler's inspector lists no Worker");
  // wrangler's inspector proxy wants an Origin of its own host; undici's WebSocket takes headers.
  const socket = new WebSocket(url, { headers: { origin: "http://localhost" } } as unknown as string[]);
  const answers = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event: MessageEvent) => {
    void (async () => {
      const raw: unknown = event.data;
      const text = typeof raw === "string" ? raw : raw instanceof Blob ? await raw.text() : "";
      const message = z.looseObject({ id: z.number().optional(), result: z.unknown().optional() }).safeParse(JSON.parse(text));
      if (message.success && message.data.id !== undefined) answers.get(message.data.id)?.(message.data.result);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve());
    socket.addEventListener("error", () => reject(new Error(`cannot open the inspector at ${url}`)));
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve) => {
      nextId += 1;
      answers.set(nextId, resolve);
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 1000 });
  await send("Profiler.start");
  return async () => {
    const result = z.object({ profile: profileSchema }).parse(await send("Profiler.stop"));
    socket.close();
    return summarizeProfile(result.profile);
  };
}
