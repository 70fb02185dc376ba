/**
 * Statistics for one run and for comparing runs (Miller 2024, "Adding Error Bars to Evals", arXiv:2411.00640; Wilson; McNemar; Holm). Pure functions; every
 * resampling procedure takes an explicit seed so a report can be reproduced exactly.
 */
import { mulberry32 } from '../core/random.ts';

/** Two-sided 95% normal quantile, norm.ppf(0.975) — the value scipy uses, not the rounded 1.96. */
export const Z_95 = 1.959963984540054;

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/**
 * Wilson score interval for a binomial proportion (§9.1), no continuity correction; matches
 * scipy.stats.binomtest(k, n).proportion_ci(method='wilson'). With n = 0 nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): [number, number] {
  if (n <= 0) return [0, 1];
  if (successes < 0 || successes > n) throw new RangeError(`wilsonInterval: successes ${successes} outside 0..${n}`);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Quantile with linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Item indices grouped by cluster label; without labels every item is its own cluster. */
function clusterGroups(n: number, clusters?: readonly string[]): number[][] {
  if (!clusters) return Array.from({ length: n }, (_, i) => [i]);
  if (clusters.length !== n) throw new RangeError(`clusters has ${clusters.length} labels for ${n} values`);
  const byLabel = new Map<string, number[]>();
  clusters.forEach((label, i) => {
    const group = byLabel.get(label);
    if (group) group.push(i);
    else byLabel.set(label, [i]);
  });
  return [...byLabel.values()];
}

/**
 * One bootstrap resample: draw whole clusters with replacement and return, for each series, the mean
 * of the items in the drawn clusters. Resampling clusters (not items) keeps the interval honest when
 * items share an image (§9.3).
 */
function resampleMeans(series: readonly (readonly number[])[], groups: number[][], rand: () => number): number[] {
  const sums = series.map(() => 0);
  let count = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[Math.floor(rand() * groups.length)]!;
    for (const i of group) {
      for (let s = 0; s < series.length; s++) sums[s]! += series[s]![i]!;
    }
    count += group.length;
  }
  return sums.map((s) => s / count);
}

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
  /** 1 − confidence level; 0.05 gives a 95% interval. */
  alpha?: number;
  /** Cluster label per value (e.g. image id): whole clusters are resampled. */
  clusters?: string[];
}

/** Percentile bootstrap interval for the mean (§9.2). Defaults: 2000 resamples, seed 0, 95%. */
export function bootstrapMeanCI(values: number[], opts: BootstrapOptions = {}): [number, number] {
  const { iterations = 2000, seed = 0, alpha = 0.05 } = opts;
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const groups = clusterGroups(values.length, opts.clusters);
  const rand = seededRandom(seed);
  const stats = new Array<number>(iterations);
  for (let b = 0; b < iterations; b++) stats[b] = resampleMeans([values], groups, rand)[0]!;
  stats.sort((x, y) => x - y);
  return [quantile(stats, alpha / 2), quantile(stats, 1 - alpha / 2)];
}

export interface PairedBootstrapResult {
  /** mean(current) − mean(baseline) on the observed items. */
  delta: number;
  /** 95% percentile interval of the resampled deltas. */
  ci: [number, number];
  /** One-sided regression p-value, (1 + #{Δ* ≥ 0}) / (B + 1) (§9.4). Small means "current is worse". */
  p: number;
}

/**
 * Paired bootstrap of the difference in means (§9.4): the same item (or cluster) draw for both runs,
 * so item difficulty cancels.
 */
export function pairedBootstrap(
  baseline: number[],
  current: number[],
  opts: { iterations?: number; seed?: number; clusters?: string[] } = {},
): PairedBootstrapResult {
  if (baseline.length !== current.length) {
    throw new RangeError(`pairedBootstrap: ${baseline.length} baseline vs ${current.length} current values`);
  }
  const { iterations = 2000, seed = 0 } = opts;
  if (baseline.length === 0) return { delta: Number.NaN, ci: [Number.NaN, Number.NaN], p: 1 };
  const groups = clusterGroups(baseline.length, opts.clusters);
  const rand = seededRandom(seed);
  const deltas = new Array<number>(iterations);
  let notWorse = 0;
  for (let b = 0; b < iterations; b++) {
    const [mb, mc] = resampleMeans([baseline, current], groups, rand) as [number, number];
    const d = mc - mb;
    deltas[b] = d;
    if (d >= 0) notWorse++;
  }
  deltas.sort((x, y) => x - y);
  return {
    delta: mean(current) - mean(baseline),
    ci: [quantile(deltas, 0.025), quantile(deltas, 0.975)],
    p: (1 + notWorse) / (iterations + 1),
  };
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so n in the tens of thousands is fine. */
export function binomCdfHalf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logHalfN = -n * Math.LN2;
  let logC = 0; // log C(n, 0)
  let maxLog = logHalfN;
  const terms: number[] = [logHalfN];
  for (let i = 1; i <= k; i++) {
    logC += Math.log(n - i + 1) - Math.log(i);
    const t = logC + logHalfN;
    terms.push(t);
    if (t > maxLog) maxLog = t;
  }
  let s = 0;
  for (const t of terms) s += Math.exp(t - maxLog);
  return Math.min(1, Math.exp(maxLog) * s);
}

/**
 * Exact two-sided McNemar test (§9.5): b = base right/new wrong, c = base wrong/new right.
 * p = min(1, 2·BinomCDF(min(b, c); b + c, ½)); with no discordant pairs, p = 1.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomCdfHalf(Math.min(b, c), n));
}

/** One-sided exact McNemar for a regression: p = P(X ≤ c), X ~ Binomial(b + c, ½). */
export function mcnemarRegression(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return binomCdfHalf(c, n);
}

/**
 * Holm–Bonferroni adjusted p-values (§9.6), in the input order: p̃₍ₖ₎ = max_{j≤k} min(1, (m−j+1)·p₍ⱼ₎).
 * Ties keep their input order, which does not change the adjusted values.
 */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
