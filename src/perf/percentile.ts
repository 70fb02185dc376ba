/**
 * Percentiles exactly as numpy's default `np.percentile(x, p)` (method 'linear', Hyndman–Fan type 7),
 * which is what vLLM's benchmark_serving and AIPerf report (numpy `percentile`, method "linear"). The arithmetic
 * copies numpy 1.24's `_quantile` step by step — q = p / 100, virtual index (n − 1)·q, and `_lerp`,
 * which switches to `b − (b − a)(1 − t)` for t ≥ 0.5 — so results match bit for bit, not just closely.
 */

/** Sorted copy, numeric order (Array.prototype.sort compares strings by default). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Percentile of already-sorted values; see `percentile`. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const q = p / 100;
  const virtual = (n - 1) * q;
  // numpy: an index at or past the last element takes the last element.
  if (virtual >= n - 1) return sorted[n - 1]!;
  const lo = Math.floor(virtual);
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const t = virtual - lo;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * numpy's `np.percentile(values, p)` with the default linear method. Empty input gives NaN (numpy
 * raises); callers report such a metric as null with n = 0, never as 0 (the vLLM "median TTFT 0" bug).
 * NaN inputs are rejected: a missing measurement must be filtered out, not averaged in.
 */
export function percentile(values: readonly number[], p: number): number {
  for (const v of values) if (Number.isNaN(v)) throw new RangeError('percentile: values contain NaN');
  return percentileSorted(sortedCopy(values), p);
}

/** The summary of one latency distribution, as in vLLM's result JSON (mean, median, std, pNN). */
export interface Distribution {
  n: number;
  mean: number;
  /** Population standard deviation (ddof = 0), as numpy and vLLM. */
  std: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export const REPORTED_PERCENTILES = [50, 90, 95, 99] as const;

/** Distribution summary; null when there are no values (n = 0 is reported, not a fake 0). */
export function summarize(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = sortedCopy(values);
  if (Number.isNaN(sorted[sorted.length - 1]!)) throw new RangeError('summarize: values contain NaN');
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / sorted.length;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) ** 2;
  return {
    n: sorted.length,
    mean,
    std: Math.sqrt(sq / sorted.length),
    min: sorted[0]!,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}
