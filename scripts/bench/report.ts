/**
 * The benchmark's result file shape and the short table printed at the end of `npm run bench`.
 */
import type { AckFigures } from "./ack-bench";
import type { ChatsFigures, RunFigures } from "./load-bench";
import type { ProfileSummary } from "./cpu-profile";
import type { Summary } from "./stats";

/** What bench-results/latest.json holds. */
export interface BenchResult {
  startedAt: string;
  machine: {
    cpuModel: string;
    cpus: number;
    memoryGiB: number;
    loadAverageAtStart: number[];
    node: string;
    wrangler: string;
    workerd: string | undefined;
    platform: string;
  };
  options: { answerTokens: number; pacedRate: number; model: { ttftMs: number; tokensPerSecond: number } } & Record<string, unknown>;
  ack?: AckFigures;
  paced?: RunFigures & { profile?: ProfileSummary };
  chats?: ChatsFigures;
  wallS?: number;
}

const ms = (value: number | null): string => (value === null ? "–" : `${value} ms`);
const row = (label: string, s: Summary): string => `  ${label.padEnd(44)} p50 ${ms(s.p50).padStart(10)}   p99 ${ms(s.p99).padStart(10)}   (n=${s.count})`;
const pass = (met: boolean): string => (met ? "met" : "MISSED");

function runRows(title: string, run: RunFigures, streamMs: number): string[] {
  return [
    title,
    row("webhook acknowledgement (local Telegram)", run.webhookAckMs),
    row("user message → first visible text", run.timeToFirstTextMs),
    row("model's own time to first token", run.modelTtftMs),
    row("first visible text − model TTFT", run.firstTextOverModelMs),
    row("webhook → first text − model TTFT", run.webhookToFirstTextOverModelMs),
    row("webhook → \"Thinking…\" draft", run.webhookToThinkingDraftMs),
    row("webhook → model request arrives", run.webhookToModelRequestMs),
    row("model's first token → first visible text", run.firstTokenToFirstTextMs),
    row(`first visible text → final message (model: ${streamMs} ms)`, run.firstTextToFinalMs),
    `  "Thinking…" before the model's first token: ${run.thinkingBeforeFirstToken.count} of ${run.thinkingBeforeFirstToken.of}`,
    `  Telegram calls: ${run.telegramCalls.total} (${run.telegramCalls.perAnswer ?? "–"} per answer), 429s: ${run.telegramCalls.status429}`,
    `  answers: ${run.answers.final} final for ${run.answers.expected} messages; lost ${run.answers.lost}, duplicated ${run.answers.duplicated}; model text in ${run.answers.withModelText}`,
    `  workerd CPU: ${run.workerdCpuMsPerMessage ?? "–"} ms per message (Worker ${run.cpuMs.workerd} ms + dev proxy ${run.cpuMs.proxy} ms); wall ${run.wallS} s${run.idleWorkerdCpuMsPerS === undefined ? "" : `; idle: ${run.idleWorkerdCpuMsPerS} ms/s`}`,
    ...(run.complete ? [] : ["  NOT ALL ANSWERS ARRIVED within the time limit: \"lost\" counts answers still on their way too"]),
  ];
}

/** The table printed after a run. */
export function formatTable(result: BenchResult): string[] {
  const lines: string[] = [];
  const o = result.options;
  const paceMs = Math.round((o.answerTokens / o.model.tokensPerSecond) * 1000);
  if (result.ack !== undefined) {
    const a = result.ack;
    lines.push(
      `(a) webhook acknowledgement, open loop at ${a.ratePerSecond} updates/s for ${a.durationS} s (${a.updates} updates)`,
      row("floor: Worker → Durable Object → SQLite", a.floor.latencyMs),
      row("bot: POST /telegram/webhook", a.bot.latencyMs),
      `  bot / floor: p50 ×${a.ratioP50 ?? "–"} (target ≤ ×1.5: ${pass(a.target.metP50)}), p99 ×${a.ratioP99 ?? "–"} (target ≤ ×2: ${pass(a.target.metP99)})`,
      `  statuses: floor ${JSON.stringify(a.floor.statuses)}, bot ${JSON.stringify(a.bot.statuses)}; workerd CPU per update: floor ${a.floor.workerdCpuMsPerUpdate ?? "–"} ms, bot ${a.bot.workerdCpuMsPerUpdate ?? "–"} ms`,
      `  answers delivered afterwards: ${a.drained.answered} of ${a.drained.of} in ${a.drained.seconds} s`,
      "",
    );
  }
  if (result.paced !== undefined) {
    lines.push(...runRows(`(b1) paced: ${result.paced.messages} messages, one per chat, at ${o.pacedRate} updates/s`, result.paced, paceMs));
    const edge = result.paced.webhookToFirstTextOverModelMs.p50;
    lines.push(`  issue 2 target, webhook → first draft − model TTFT under 25 ms at p50: ${edge === null ? "–" : pass(edge < 25)}`);
    const profile = result.paced.profile;
    if (profile !== undefined) {
      lines.push(`  Worker CPU profile (${profile.sampledMs - profile.idleMs} ms busy of ${profile.sampledMs} ms sampled), top self time:`);
      for (const entry of profile.top.slice(0, 8)) lines.push(`    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.fn}`);
    }
    lines.push("");
  }
  if (result.chats !== undefined) {
    const c = result.chats;
    lines.push(...runRows(`(b2) load: ${c.chats} chats × ${c.messagesPerChat} messages, ${c.redelivered} redelivered, ${c.faultsQueued} origin faults`, c, paceMs));
    lines.push(`  model requests: ${JSON.stringify(c.modelOutcomes)}`);
    const notices = Object.entries(c.answers.notices);
    if (notices.length > 0) lines.push(`  notices: ${notices.map(([text, n]) => `${n}× "${text}"`).join("; ")}`);
  }
  return lines;
}
