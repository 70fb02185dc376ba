/**
 * Side-by-side comparison of runs (Miller 2024, "Adding Error Bars to Evals", arXiv:2411.00640; McNemar; Holm): summary deltas for every metric, a paired test
 * per benchmark on the headline per-sample scores (exact McNemar for right/wrong items, paired bootstrap
 * for graded ones), Holm's adjustment across benchmarks, and the samples that flipped.
 */
import type { MetricValue, SampleRecord } from '../core/record.ts';
import type { LoadedRun } from '../results/files.ts';
import { holm, mcnemarExact, mcnemarRegression, mean, pairedBootstrap } from '../scoring/stats.ts';
import { pairModels, pairSuites, type ModelPair, type PairedSuite } from './pair.ts';

export interface CompareOptions {
  /** Paired bootstrap resamples (default 2000) and seed (default 0); recorded in the result. */
  iterations?: number;
  seed?: number;
  /** Most flipped samples kept per benchmark and direction (default 50). */
  maxFlips?: number;
  /** Significance level for the verdict column (default 0.05, after Holm). */
  alpha?: number;
}

export interface Flip {
  sampleId: string;
  repeat: number;
  baseline: number;
  current: number;
  question?: string;
  baselineOutput?: string;
  currentOutput?: string;
  reference?: string;
}

export type PairedTest = 'mcnemar' | 'paired-bootstrap' | 'none';

export interface PairedResult {
  test: PairedTest;
  n: number;
  baselineMean: number | null;
  currentMean: number | null;
  /** mean(current) − mean(baseline) over paired items, in per-sample score units. */
  delta: number | null;
  /** 95% interval of delta (paired bootstrap; for McNemar a bootstrap of the same pairs too). */
  ci?: [number, number];
  /** McNemar discordant counts: b = baseline right/current wrong, c = baseline wrong/current right. */
  b?: number;
  c?: number;
  /** Two-sided p, one-sided regression p, and both Holm-adjusted across the comparison's benchmarks. */
  p: number | null;
  pRegression: number | null;
  pHolm: number | null;
  pRegressionHolm: number | null;
}

export interface MetricDelta {
  key: string;
  baseline?: MetricValue;
  current?: MetricValue;
  delta: number | null;
  headline: boolean;
}

export type Verdict = 'better' | 'worse' | 'same' | 'untested';

export interface SuiteComparison {
  suite: string;
  baselineModel: string;
  currentModel: string;
  metric?: string;
  binary: boolean;
  /** Every paired score lies in [0, 1]: deltas read as percentage points. */
  unitScale: boolean;
  metrics: MetricDelta[];
  paired: PairedResult;
  verdict: Verdict;
  /** Binary: right→wrong / wrong→right. Graded: largest drops / largest gains. */
  worse: Flip[];
  better: Flip[];
  /** Totals before maxFlips truncation. */
  worseCount: number;
  betterCount: number;
  pairing: Omit<PairedSuite, 'items' | 'suite' | 'metric' | 'binary'>;
}

export interface RunComparison {
  baseline: { runId: string; dir: string };
  current: { runId: string; dir: string };
  pairs: Array<{ baseline: string; current: string }>;
  suites: SuiteComparison[];
  iterations: number;
  seed: number;
  alpha: number;
}

const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

function flipOf(i: PairedSuite['items'][number]): Flip {
  const rec: SampleRecord = i.currentRecord;
  return {
    sampleId: i.sampleId, repeat: i.repeat, baseline: i.baseline, current: i.current,
    question: rec.input?.text ?? rec.prompt, baselineOutput: i.baselineRecord.output, currentOutput: rec.output,
    reference: text(rec.reference ?? i.baselineRecord.reference),
  };
}

/** McNemar or paired bootstrap on one paired suite (before Holm). */
export function pairedTest(ps: PairedSuite, opts: { iterations: number; seed: number }): PairedResult {
  const n = ps.items.length;
  const base = ps.items.map((i) => i.baseline);
  const cur = ps.items.map((i) => i.current);
  const none: PairedResult = { test: 'none', n, baselineMean: null, currentMean: null, delta: null, p: null, pRegression: null, pHolm: null, pRegressionHolm: null };
  if (n === 0) return none;
  const boot = pairedBootstrap(base, cur, { iterations: opts.iterations, seed: opts.seed });
  const common = { n, baselineMean: mean(base), currentMean: mean(cur), delta: boot.delta, ci: boot.ci, pHolm: null, pRegressionHolm: null };
  if (ps.binary) {
    let b = 0; let c = 0;
    for (const i of ps.items) { if (i.baseline === 1 && i.current === 0) b++; else if (i.baseline === 0 && i.current === 1) c++; }
    return { ...common, test: 'mcnemar', b, c, p: mcnemarExact(b, c), pRegression: mcnemarRegression(b, c) };
  }
  // Two-sided p: both tails. Swapping the sides with the same seed replays the same resamples, giving
  // (1 + #{Δ* ≤ 0}) / (B + 1) exactly (ties at 0 count in both tails, so identical runs give p = 1).
  const improve = pairedBootstrap(cur, base, { iterations: opts.iterations, seed: opts.seed }).p;
  return { ...common, test: 'paired-bootstrap', p: Math.min(1, 2 * Math.min(boot.p, improve)), pRegression: boot.p };
}

function metricDeltas(pair: ModelPair, suite: string): MetricDelta[] {
  const sb = pair.baseline.run.summary.results.find((r) => r.model === pair.baseline.model && r.suite === suite);
  const sc = pair.current.run.summary.results.find((r) => r.model === pair.current.model && r.suite === suite);
  const keys = [...new Set([...Object.keys(sb?.metrics ?? {}), ...Object.keys(sc?.metrics ?? {})])];
  const headline = sb?.headline ?? sc?.headline;
  return keys.map((key) => {
    const b = sb?.metrics[key];
    const c = sc?.metrics[key];
    const delta = typeof b?.value === 'number' && typeof c?.value === 'number' ? c.value - b.value : null;
    return { key, baseline: b, current: c, delta, headline: key === headline };
  }).sort((x, y) => Number(y.headline) - Number(x.headline));
}

function emptyPairing(suite: string): PairedSuite {
  return { suite, metric: '', binary: false, items: [], baselineOnly: 0, currentOnly: 0, unscored: 0, baselineErrors: 0, currentErrors: 0 };
}

export function compareRuns(baseline: LoadedRun, current: LoadedRun, opts: CompareOptions = {}): RunComparison {
  const iterations = opts.iterations ?? 2000;
  const seed = opts.seed ?? 0;
  const alpha = opts.alpha ?? 0.05;
  const maxFlips = opts.maxFlips ?? 50;
  const pairs = pairModels(baseline, current);
  const suites: SuiteComparison[] = [];
  for (const pair of pairs) {
    const paired = new Map(pairSuites(pair).map((p) => [p.suite, p]));
    // Benchmarks both sides summarised (performance suites included: they compare on summary metrics).
    const suitesOf = (rm: ModelPair['baseline']) => rm.run.summary.results.filter((r) => r.model === rm.model).map((r) => r.suite);
    const currentSuites = new Set(suitesOf(pair.current));
    const suiteIds = [...new Set(suitesOf(pair.baseline))].filter((s) => currentSuites.has(s) || paired.has(s));
    for (const suite of suiteIds) {
      const ps = paired.get(suite) ?? emptyPairing(suite);
      const result = pairedTest(ps, { iterations, seed });
      const items = ps.items;
      const worse = items.filter((i) => i.current < i.baseline).sort((a, b) => (a.current - a.baseline) - (b.current - b.baseline));
      const better = items.filter((i) => i.current > i.baseline).sort((a, b) => (b.current - b.baseline) - (a.current - a.baseline));
      const { items: _i, suite: _s, metric: _m, binary: _b, ...pairing } = ps;
      suites.push({
        suite, baselineModel: pair.baseline.model, currentModel: pair.current.model, metric: ps.metric || undefined, binary: ps.binary,
        unitScale: items.length > 0 && items.every((i) => i.baseline >= 0 && i.baseline <= 1 && i.current >= 0 && i.current <= 1),
        metrics: metricDeltas(pair, suite), paired: result, verdict: 'untested',
        worse: worse.slice(0, maxFlips).map(flipOf), better: better.slice(0, maxFlips).map(flipOf),
        worseCount: worse.length, betterCount: better.length, pairing,
      });
    }
  }
  // Holm across every tested benchmark of this comparison (§9.6).
  const tested = suites.filter((s) => s.paired.p !== null);
  const adj = holm(tested.map((s) => s.paired.p!));
  const adjReg = holm(tested.map((s) => s.paired.pRegression!));
  tested.forEach((s, i) => {
    s.paired.pHolm = adj[i]!;
    s.paired.pRegressionHolm = adjReg[i]!;
    s.verdict = adj[i]! < alpha ? (s.paired.delta! < 0 ? 'worse' : 'better') : 'same';
  });
  return {
    baseline: { runId: baseline.summary.runId, dir: baseline.dir },
    current: { runId: current.summary.runId, dir: current.dir },
    pairs: pairs.map((p) => ({ baseline: p.baseline.model, current: p.current.model })),
    suites, iterations, seed, alpha,
  };
}

/** The first run is the baseline; every other run is compared with it. */
export function compareMany(runs: readonly LoadedRun[], opts: CompareOptions = {}): RunComparison[] {
  return runs.slice(1).map((r) => compareRuns(runs[0]!, r, opts));
}
