/**
 * Side-by-side comparison of runs: summary deltas for every metric, and per benchmark the test its suite
 * declares for the headline (HeadlinePairing: exact McNemar for right/wrong items, paired bootstrap of a
 * mean or a ratio of means for graded ones, distributions for latency/throughput on matching hardware),
 * Holm's adjustment across benchmarks, and the samples that flipped.
 */
import type { MetricValue, SampleRecord } from '../core/record.ts';
import type { LoadedRun } from '../results/files.ts';
import { holm } from '../scoring/stats.ts';
import { declarationFor, pairDeclared, pairModels, recordsBySuite, sameHardware, type ModelPair, type PairedItem, type PairedSuite, type SuitePairings } from './pair.ts';
import { runDeclaredTest, type PairedResult } from './tests.ts';

export type { PairedResult } from './tests.ts';

export interface CompareOptions {
  /** Each suite's pairing declarations (from the suite registry); a suite missing here is not tested. */
  pairings?: SuitePairings;
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
  /** Summary metric the test reproduces (the headline). */
  metric?: string;
  binary: boolean;
  /** Every paired score lies in [0, 1]. */
  unitScale: boolean;
  /** Summary value per unit of the per-sample statistic (100 for 0/1 items reported in %, n for a count). */
  scale: number;
  /** The headline's unit (summary.json), or the per-sample unit for distributions. */
  unit?: string;
  metrics: MetricDelta[];
  paired: PairedResult;
  verdict: Verdict;
  /** Binary: right→wrong / wrong→right. Graded: largest drops / largest gains. */
  worse: Flip[];
  better: Flip[];
  /** Totals before maxFlips truncation. */
  worseCount: number;
  betterCount: number;
  pairing: Omit<PairedSuite, 'items' | 'suite' | 'metric' | 'binary' | 'baselineValues' | 'currentValues'>;
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

function flipOf(i: PairedItem): Flip {
  const rec: SampleRecord = i.currentRecord;
  return {
    sampleId: i.sampleId, repeat: i.repeat, baseline: i.baseline, current: i.current,
    question: rec.input?.text ?? rec.prompt, baselineOutput: i.baselineRecord.output, currentOutput: rec.output,
    reference: text(rec.reference ?? i.baselineRecord.reference),
  };
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

function emptyPairing(suite: string, note: string): PairedSuite {
  return { suite, metric: '', mode: 'none', binary: false, items: [], baselineValues: [], currentValues: [], baselineOnly: 0, currentOnly: 0, unscored: 0, baselineErrors: 0, currentErrors: 0, note };
}

/**
 * How summary.json reports the statistic the test works on: value / statistic when both are known and
 * non-zero (×100 for accuracies in %, ×n for OCRBench's point total), rounded to 6 significant digits.
 */
export function summaryScale(summaryValue: number | null | undefined, statistic: number | null): number | undefined {
  if (typeof summaryValue !== 'number' || statistic === null || !Number.isFinite(summaryValue) || statistic === 0 || summaryValue === 0) return undefined;
  const k = summaryValue / statistic;
  return Number.isFinite(k) && k > 0 ? Number(k.toPrecision(6)) : undefined;
}

/** Compare one benchmark of one model pair on the declaration for its headline. */
function compareSuite(pair: ModelPair, suite: string, bRecs: SampleRecord[], cRecs: SampleRecord[], opts: Required<Omit<CompareOptions, 'pairings'>> & { pairings?: SuitePairings }): SuiteComparison {
  const metrics = metricDeltas(pair, suite);
  const head = metrics.find((m) => m.headline);
  const decl = declarationFor(opts.pairings, suite, head?.key);
  const ps = decl
    ? pairDeclared(suite, decl, bRecs, cRecs, { sameHardware: sameHardware(pair.baseline.run.manifest, pair.current.run.manifest) })
    : emptyPairing(suite, opts.pairings?.has(suite) ? `suite '${suite}' declares no pairing for '${head?.key ?? '?'}'` : `no pairing declaration for suite '${suite}' (not in the suite registry)`);
  const better = decl?.better ?? head?.baseline?.better ?? head?.current?.better ?? 'higher';
  const result = runDeclaredTest(ps, { iterations: opts.iterations, seed: opts.seed, better });
  const sign = better === 'higher' ? 1 : -1;
  const items = ps.mode === 'paired' ? ps.items : [];
  const worse = items.filter((i) => sign * (i.current - i.baseline) < 0).sort((a, b) => sign * ((a.current - a.baseline) - (b.current - b.baseline)));
  const better_ = items.filter((i) => sign * (i.current - i.baseline) > 0).sort((a, b) => sign * ((b.current - b.baseline) - (a.current - a.baseline)));
  const unitScale = decl?.test !== 'distribution' && items.length > 0 && items.every((i) => i.baseline >= 0 && i.baseline <= 1 && i.current >= 0 && i.current <= 1);
  const distribution = decl?.test === 'distribution';
  const scale = distribution ? 1 : summaryScale(head?.baseline?.value, result.baselineMean) ?? summaryScale(head?.current?.value, result.currentMean) ?? (unitScale ? 100 : 1);
  const unit = distribution ? (decl.scores[0]!.endsWith('_ms') ? 'ms' : undefined) : head?.baseline?.unit ?? head?.current?.unit;
  const { items: _i, suite: _s, metric: _m, binary: _b, baselineValues: _bv, currentValues: _cv, ...pairing } = ps;
  return {
    suite, baselineModel: pair.baseline.model, currentModel: pair.current.model, metric: ps.metric || head?.key, binary: ps.binary,
    unitScale, scale, ...(unit ? { unit } : {}),
    metrics, paired: result, verdict: 'untested',
    worse: worse.slice(0, opts.maxFlips).map(flipOf), better: better_.slice(0, opts.maxFlips).map(flipOf),
    worseCount: worse.length, betterCount: better_.length, pairing,
  };
}

export function compareRuns(baseline: LoadedRun, current: LoadedRun, opts: CompareOptions = {}): RunComparison {
  const o = { iterations: opts.iterations ?? 2000, seed: opts.seed ?? 0, alpha: opts.alpha ?? 0.05, maxFlips: opts.maxFlips ?? 50, pairings: opts.pairings };
  const pairs = pairModels(baseline, current);
  const suites: SuiteComparison[] = [];
  for (const pair of pairs) {
    const b = recordsBySuite(pair.baseline);
    const c = recordsBySuite(pair.current);
    // Benchmarks both sides summarised (or sampled).
    const suitesOf = (rm: ModelPair['baseline']) => rm.run.summary.results.filter((r) => r.model === rm.model).map((r) => r.suite);
    const currentSuites = new Set([...suitesOf(pair.current), ...c.keys()]);
    const suiteIds = [...new Set([...suitesOf(pair.baseline), ...b.keys()])].filter((s) => currentSuites.has(s));
    for (const suite of suiteIds) suites.push(compareSuite(pair, suite, b.get(suite) ?? [], c.get(suite) ?? [], o));
  }
  // Holm across the tested benchmarks of each model pair (one family of hypotheses per model).
  for (const pair of pairs) {
    const tested = suites.filter((s) => s.paired.p !== null && s.baselineModel === pair.baseline.model && s.currentModel === pair.current.model);
    const adj = holm(tested.map((s) => s.paired.p!));
    const adjReg = holm(tested.map((s) => s.paired.pRegression!));
    tested.forEach((s, i) => {
      s.paired.pHolm = adj[i]!;
      s.paired.pRegressionHolm = adjReg[i]!;
      const worse = s.paired.better === 'higher' ? s.paired.delta! < 0 : s.paired.delta! > 0;
      s.verdict = adj[i]! < o.alpha ? (worse ? 'worse' : 'better') : 'same';
    });
  }
  return {
    baseline: { runId: baseline.summary.runId, dir: baseline.dir },
    current: { runId: current.summary.runId, dir: current.dir },
    pairs: pairs.map((p) => ({ baseline: p.baseline.model, current: p.current.model })),
    suites, iterations: o.iterations, seed: o.seed, alpha: o.alpha,
  };
}

/** The first run is the baseline; every other run is compared with it. */
export function compareMany(runs: readonly LoadedRun[], opts: CompareOptions = {}): RunComparison[] {
  return runs.slice(1).map((r) => compareRuns(runs[0]!, r, opts));
}
