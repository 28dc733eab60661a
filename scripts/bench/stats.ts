/**
 * Summary statistics for the benchmark: nearest-rank percentiles over raw samples, so a reported
 * p99 is a latency that was really observed, never an interpolation between two.
 */

/** A distribution in milliseconds (or any unit), rounded for the report. */
export interface Summary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** The nearest-rank percentile `p` (0-100) of `sorted` (ascending); null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

const round = (value: number | null, digits: number): number | null => (value === null ? null : Number(value.toFixed(digits)));

/** Count, p50, p90, p99, max and mean of `samples`, rounded to `digits` decimals. */
export function summarize(samples: readonly number[], digits = 1): Summary {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  const mean = sorted.length === 0 ? null : sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), digits),
    p90: round(percentile(sorted, 90), digits),
    p99: round(percentile(sorted, 99), digits),
    max: round(sorted.at(-1) ?? null, digits),
    mean: round(mean, digits),
  };
}

/** `a / b` rounded, or null when either is missing or b is 0. */
export function ratio(a: number | null, b: number | null, digits = 2): number | null {
  if (a === null || b === null || b === 0) return null;
  return Number((a / b).toFixed(digits));
}
