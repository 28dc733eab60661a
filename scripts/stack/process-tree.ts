/**
 * Linux /proc readings about the processes the stack starts: the descendants of a child (wrangler
 * dev runs workerd as its grandchildren) and the CPU time a process has used. The benchmark divides
 * workerd's CPU time by the messages it handled; `npm start` needs none of this.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** One process as /proc/<pid>/stat describes it. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** The executable's name (at most 15 characters, as the kernel keeps it). */
  comm: string;
  /** User plus system CPU time, in milliseconds. */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on every common Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Parses one /proc/<pid>/stat line. The name sits in parentheses and may itself contain spaces
 * and parentheses, so fields are counted from the last ")" (proc(5): utime is field 14, stime 15).
 */
export function parseProcStat(line: string, ticks: number): ProcStat | undefined {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = line.slice(close + 2).split(" ");
  const pid = Number(line.slice(0, open).trim());
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![pid, ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { pid, ppid, comm: line.slice(open + 1, close), cpuMs: ((utime + stime) * 1000) / ticks };
}

/** The process's stat, or undefined when it is gone (or this is not Linux). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"), clockTicks());
  } catch {
    return undefined;
  }
}

/** The command line of a process, split into arguments ([] when it is gone). */
export function readCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  } catch {
    return [];
  }
}

/** Every living descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const all = entries.map((name) => readProcStat(Number(name))).filter((s): s is ProcStat => s !== undefined);
  const found: ProcStat[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const stat of all) {
      if (stat.ppid !== parent) continue;
      found.push(stat);
      frontier.push(stat.pid);
    }
  }
  return found;
}
