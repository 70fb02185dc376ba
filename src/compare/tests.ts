/**
 * The statistical test a pairing declaration names, on one PairedSuite. Every resampling procedure is
 * seeded, so a comparison or gate verdict reproduces exactly.
 * - mcnemar: exact binomial test on the discordant pairs, one-sided (regression) and two-sided;
 * - bootstrap-mean / bootstrap-ratio: paired bootstrap of Δ = stat(current) − stat(baseline), drawing whole
 *   clusters (images) so that questions about one image do not count as independent evidence;
 * - distribution: the two runs' per-request values resampled independently (bootstrap of the declared
 *   percentile or mean), with a Mann-Whitney U test reported beside it;
 * - unpaired fallback: the same statistic bootstrapped on each side independently.
 */
import { mcnemarExact, mcnemarRegression, quantile, seededRandom } from '../scoring/stats.ts';
import type { PairedTest } from '../core/suite.ts';
import type { PairedSuite, PairingMode, SampleValue } from './pair.ts';

export interface PairedResult {
  test: PairedTest | 'none';
  mode: PairingMode;
  /** Paired items (paired mode) or the smaller side's count (unpaired/distribution). */
  n: number;
  nBaseline?: number;
  nCurrent?: number;
  /** The declared statistic on each side, in per-sample units (mean, ratio, percentile). */
  baselineMean: number | null;
  currentMean: number | null;
  /** currentMean − baselineMean. */
  delta: number | null;
  /** 95% percentile bootstrap interval of delta. */
  ci?: [number, number];
  /** McNemar discordant counts: b = baseline right/current wrong, c = baseline wrong/current right. */
  b?: number;
  c?: number;
  /** Two-sided p and one-sided p for "current is worse" (direction from `better`). */
  p: number | null;
  pRegression: number | null;
  pHolm: number | null;
  pRegressionHolm: number | null;
  /** distribution: Mann-Whitney U two-sided p (normal approximation with tie correction). */
  pMannWhitney?: number;
  better: 'higher' | 'lower';
  note?: string;
}

export interface TestOptions {
  iterations: number;
  seed: number;
  /** Direction of the per-sample score (declaration.better, else the metric's). */
  better: 'higher' | 'lower';
}

type Stat = (idx: readonly number[], side: 0 | 1) => number;

/** Cluster index lists: items sharing a label are drawn together. */
function groupsOf(labels: readonly string[]): number[][] {
  const by = new Map<string, number[]>();
  labels.forEach((l, i) => { const g = by.get(l); if (g) g.push(i); else by.set(l, [i]); });
  return [...by.values()];
}

/** One resample: whole groups drawn with replacement, returned as the flat list of item indices. */
function draw(groups: readonly number[][], rand: () => number): number[] {
  const out: number[] = [];
  for (let g = 0; g < groups.length; g++) out.push(...groups[Math.floor(rand() * groups.length)]!);
  return out;
}

/** Bootstrap of Δ: (CI, one-sided p for "worse", two-sided p), p = (1 + #{Δ* not worse}) / (B + 1). */
function bootstrap(deltaAt: (rand: () => number) => number, opts: TestOptions): { ci: [number, number]; pRegression: number; p: number } {
  const rand = seededRandom(opts.seed);
  const deltas = new Array<number>(opts.iterations);
  let notWorse = 0;
  let notBetter = 0;
  for (let i = 0; i < opts.iterations; i++) {
    const d = deltaAt(rand);
    deltas[i] = d;
    if (opts.better === 'higher' ? d >= 0 : d <= 0) notWorse++;
    if (opts.better === 'higher' ? d <= 0 : d >= 0) notBetter++;
  }
  deltas.sort((x, y) => x - y);
  const pRegression = (1 + notWorse) / (opts.iterations + 1);
  const pImprove = (1 + notBetter) / (opts.iterations + 1);
  return { ci: [quantile(deltas, 0.025), quantile(deltas, 0.975)], pRegression, p: Math.min(1, 2 * Math.min(pRegression, pImprove)) };
}

const sumAt = (xs: readonly number[], idx: readonly number[]) => { let s = 0; for (const i of idx) s += xs[i]!; return s; };

/** Ratio of means (= ratio of sums) or plain mean over the chosen indices. */
function statOf(values: readonly SampleValue[], ratio: boolean): (idx: readonly number[]) => number {
  const v = values.map((x) => x.value);
  const d = values.map((x) => x.den ?? 1);
  return ratio ? (idx) => sumAt(v, idx) / sumAt(d, idx) : (idx) => sumAt(v, idx) / idx.length;
}

function quantileStat(values: readonly SampleValue[], statistic: number | 'mean'): (idx: readonly number[]) => number {
  const v = values.map((x) => x.value);
  if (statistic === 'mean') return (idx) => sumAt(v, idx) / idx.length;
  return (idx) => quantile(idx.map((i) => v[i]!).sort((a, b) => a - b), statistic);
}

/** Mann-Whitney U, two-sided, normal approximation with tie correction (scipy `method='asymptotic'`, no continuity correction). */
export function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tie = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = r;
    const t = j - i + 1;
    tie += t * t * t - t;
    i = j + 1;
  }
  let r1 = 0;
  all.forEach((x, i) => { if (x.g === 0) r1 += ranks[i]!; });
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt((n1 * n2 / 12) * ((n + 1) - tie / (n * (n - 1))));
  if (!(sigma > 0)) return 1;
  const z = Math.abs(u - (n1 * n2) / 2) / sigma;
  return Math.min(1, 2 * normalSf(z));
}

/** Upper tail of the standard normal (Abramowitz–Stegun 7.1.26 erfc, |error| < 1.5e-7). */
function normalSf(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return erfc / 2;
}

const EMPTY = { p: null, pRegression: null, pHolm: null, pRegressionHolm: null, baselineMean: null, currentMean: null, delta: null } as const;

/** Run the declared test on a paired suite (before Holm). */
export function runDeclaredTest(ps: PairedSuite, opts: TestOptions): PairedResult {
  const d = ps.declaration;
  const base = { mode: ps.mode, better: opts.better, ...(ps.note ? { note: ps.note } : {}) };
  if (!d || ps.mode === 'none') return { ...EMPTY, ...base, test: 'none', n: 0 };
  const ratio = d.test === 'bootstrap-ratio';

  if (ps.mode === 'paired') {
    const items = ps.items;
    const n = items.length;
    const bv = items.map((i) => i.baseline);
    const cv = items.map((i) => i.current);
    const bd = items.map((i) => i.baselineDen ?? 1);
    const cd = items.map((i) => i.currentDen ?? 1);
    const stat = (v: number[], den: number[]) => (idx: readonly number[]) => (ratio ? sumAt(v, idx) / sumAt(den, idx) : sumAt(v, idx) / idx.length);
    const sb = stat(bv, bd);
    const sc = stat(cv, cd);
    const all = items.map((_, i) => i);
    const groups = groupsOf(items.map((i) => i.cluster));
    const observed = sc(all) - sb(all);
    const boot = bootstrap((rand) => { const idx = draw(groups, rand); return sc(idx) - sb(idx); }, opts);
    const common = { ...base, n, baselineMean: sb(all), currentMean: sc(all), delta: observed, ci: boot.ci, pHolm: null, pRegressionHolm: null };
    if (d.test === 'mcnemar') {
      let b = 0; let c = 0;
      for (const i of items) { if (i.baseline === 1 && i.current === 0) b++; else if (i.baseline === 0 && i.current === 1) c++; }
      if (!ps.binary) return { ...common, test: 'mcnemar', p: null, pRegression: null, note: 'declared McNemar but the per-sample values are not all 0/1' };
      // One-sided in the regression direction: P(X ≤ c), X ~ Binomial(b + c, ½).
      return { ...common, test: 'mcnemar', b, c, p: mcnemarExact(b, c), pRegression: mcnemarRegression(b, c) };
    }
    return { ...common, test: d.test, p: boot.p, pRegression: boot.pRegression };
  }

  // Unpaired fallback and distributions: each side resampled on its own (clusters within each side).
  const bvals = ps.baselineValues;
  const cvals = ps.currentValues;
  const sb = d.test === 'distribution' ? quantileStat(bvals, d.statistic ?? 0.5) : statOf(bvals, ratio);
  const sc = d.test === 'distribution' ? quantileStat(cvals, d.statistic ?? 0.5) : statOf(cvals, ratio);
  const gb = groupsOf(bvals.map((v) => v.cluster));
  const gc = groupsOf(cvals.map((v) => v.cluster));
  const allB = bvals.map((_, i) => i);
  const allC = cvals.map((_, i) => i);
  const observed = sc(allC) - sb(allB);
  const boot = bootstrap((rand) => sc(draw(gc, rand)) - sb(draw(gb, rand)), opts);
  return {
    ...base, test: d.test, n: Math.min(bvals.length, cvals.length), nBaseline: bvals.length, nCurrent: cvals.length,
    baselineMean: sb(allB), currentMean: sc(allC), delta: observed, ci: boot.ci, p: boot.p, pRegression: boot.pRegression,
    pHolm: null, pRegressionHolm: null,
    ...(d.test === 'distribution' ? { pMannWhitney: mannWhitneyP(bvals.map((v) => v.value), cvals.map((v) => v.value)) } : {}),
  };
}
