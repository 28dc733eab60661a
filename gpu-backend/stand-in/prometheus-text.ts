/**
 * Prometheus text exposition (version 0.0.4), both directions, with no dependency.
 *
 * `MetricRegistry` renders gauges, counters and histograms the way Python's prometheus_client does
 * for vLLM (`# HELP`, `# TYPE`, counters named `…_total`, histograms as `_bucket`/`_count`/`_sum`).
 * `parsePrometheusText` reads such text back into samples; the tests, the load bench and the
 * config checks use it to prove what the stand-in exposes.
 */

export type Labels = Readonly<Record<string, string>>;

/** One sample line: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parsed exposition: the samples, and each family's `# TYPE`. */
export interface ParsedMetrics {
  samples: Sample[];
  types: Map<string, string>;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return "{" + keys.map((k) => `${k}="${escapeLabel(labels[k] ?? "")}"`).join(",") + "}";
}

function numberText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

interface Family {
  help: string;
  type: "gauge" | "counter" | "histogram";
  /** Series keyed by label text. */
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number }>;
  buckets?: readonly number[];
}

/** A small metric registry rendering Prometheus text. Names keep vLLM's `vllm:` prefix. */
export class MetricRegistry {
  private readonly families = new Map<string, Family>();

  /** Declares a gauge. */
  gauge(name: string, help: string): void {
    this.families.set(name, { help, type: "gauge", series: new Map() });
  }

  /** Declares a counter; pass the name with its `_total` suffix. */
  counter(name: string, help: string): void {
    this.families.set(name, { help, type: "counter", series: new Map() });
  }

  /** Declares a histogram with upper bucket bounds (ascending, without +Inf). */
  histogram(name: string, help: string, buckets: readonly number[]): void {
    this.families.set(name, { help, type: "histogram", series: new Map(), buckets });
  }

  private series(name: string, labels: Labels) {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`metric ${name} is not declared`);
    const key = labelText(labels);
    let entry = family.series.get(key);
    if (entry === undefined) {
      entry = family.buckets === undefined
        ? { labels, value: 0 }
        : { labels, value: 0, buckets: family.buckets.map(() => 0), sum: 0 };
      family.series.set(key, entry);
    }
    return { family, entry };
  }

  /** Creates a series with zero values, so it is exposed before its first event. */
  touch(name: string, labels: Labels): void {
    this.series(name, labels);
  }

  /** Sets a gauge. */
  set(name: string, labels: Labels, value: number): void {
    this.series(name, labels).entry.value = value;
  }

  /** Adds to a counter (or gauge). */
  inc(name: string, labels: Labels, by = 1): void {
    this.series(name, labels).entry.value += by;
  }

  /** Records one histogram observation. */
  observe(name: string, labels: Labels, value: number): void {
    const { family, entry } = this.series(name, labels);
    const bounds = family.buckets ?? [];
    entry.value += 1;
    entry.sum = (entry.sum ?? 0) + value;
    bounds.forEach((bound, i) => {
      if (value <= bound && entry.buckets !== undefined) entry.buckets[i] = (entry.buckets[i] ?? 0) + 1;
    });
  }

  /** Renders every family, series in first-seen order. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value, buckets, sum } of family.series.values()) {
        if (family.type !== "histogram") {
          lines.push(`${name}${labelText(labels)} ${numberText(value)}`);
          continue;
        }
        (family.buckets ?? []).forEach((bound, i) => {
          lines.push(`${name}_bucket${labelText({ ...labels, le: numberText(bound) })} ${numberText(buckets?.[i] ?? 0)}`);
        });
        lines.push(`${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${numberText(value)}`);
        lines.push(`${name}_count${labelText(labels)} ${numberText(value)}`);
        lines.push(`${name}_sum${labelText(labels)} ${numberText(sum ?? 0)}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Parses Prometheus text exposition; lines that are not samples or `# TYPE` are ignored. */
export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type?.[1] !== undefined && type[2] !== undefined) types.set(type[1], type[2]);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (match === null || match[1] === undefined || match[4] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? "").matchAll(LABEL_PAIR)) {
      if (pair[1] !== undefined) labels[pair[1]] = (pair[2] ?? "").replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");
    }
    samples.push({ name: match[1], labels, value: parseValue(match[4]) });
  }
  return { samples, types };
}

/** Sum of every sample named `name` whose labels include `match`. */
export function sumSamples(parsed: ParsedMetrics, name: string, match: Labels = {}): number {
  return parsed.samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
