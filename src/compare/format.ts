/** Shared cell formatting for the text, Markdown and HTML renderings of a comparison. */
import type { MetricValue } from '../core/record.ts';
import type { RunComparison, SuiteComparison } from './compare.ts';

export function num(v: number | null | undefined, digits?: number): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return v.toFixed(digits ?? (Math.abs(v) <= 1 ? 3 : 2));
}

export function signed(v: number | null | undefined, digits?: number): string {
  const s = num(v, digits);
  return typeof v === 'number' && v > 0 ? `+${s}` : s;
}

export function pValue(p: number | null): string {
  if (p === null) return '—';
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

export function metricCell(m: MetricValue | undefined): string {
  if (!m) return '—';
  return m.ci ? `${num(m.value)} [${num(m.ci[0])}, ${num(m.ci[1])}]` : num(m.value);
}

/** Paired delta in the headline's summary units (pp for accuracies in %, ms for latencies). */
export function pairedDelta(s: SuiteComparison): string {
  const p = s.paired;
  if (p.delta === null) return '—';
  const k = s.scale;
  const unit = s.unit ? ` ${s.unit === '%' ? 'pp' : s.unit}` : '';
  const ci = p.ci ? ` [${signed(p.ci[0] * k, 1)}, ${signed(p.ci[1] * k, 1)}]` : '';
  return `${signed(p.delta * k, 1)}${unit}${ci}`;
}

export function testName(s: SuiteComparison): string {
  const p = s.paired;
  const d = s.pairing.declaration;
  if (p.test === 'none') return `none (${p.note ?? 'no paired scores'})`;
  const cluster = d?.clusterBy ? `, by ${d.clusterBy}` : '';
  if (p.mode === 'unpaired') return `UNPAIRED ${p.test === 'bootstrap-ratio' ? 'ratio' : 'mean'} bootstrap (${p.note ?? 'samples do not match'})`;
  if (p.test === 'mcnemar') return `McNemar exact b=${p.b} c=${p.c}`;
  if (p.test === 'bootstrap-mean') return `paired bootstrap (mean${cluster})`;
  if (p.test === 'bootstrap-ratio') return `paired bootstrap (ratio ${d?.scores.join('/') ?? ''}${cluster})`;
  const stat = d?.statistic === 'mean' || d?.statistic === undefined ? 'mean' : `p${Math.round(d.statistic * 100)}`;
  return `distribution: ${stat} of ${d?.scores[0] ?? '?'} bootstrap, Mann-Whitney p=${pValue(p.pMannWhitney ?? null)}`;
}

export const VERDICT_MARK = { better: '▲ better', worse: '▼ worse', same: '= same', untested: '·' } as const;

export function modelsCell(s: SuiteComparison): string {
  return s.baselineModel === s.currentModel ? s.baselineModel : `${s.baselineModel} → ${s.currentModel}`;
}

export interface ComparisonRow {
  suite: string;
  models: string;
  metric: string;
  baseline: string;
  current: string;
  delta: string;
  paired: string;
  n: string;
  test: string;
  p: string;
  p1: string;
  pHolm: string;
  flips: string;
  verdict: string;
}

export const ROW_HEAD: Record<keyof ComparisonRow, string> = {
  suite: 'suite', models: 'model', metric: 'metric', baseline: 'baseline', current: 'current', delta: 'Δ',
  paired: 'paired Δ [95% CI]', n: 'n', test: 'test', p: 'p (2-sided)', p1: 'p (1-sided, worse)', pHolm: 'p (Holm)', flips: 'flips −/+', verdict: 'verdict',
};

/** One row per benchmark with its headline metric. */
export function comparisonRows(c: RunComparison): ComparisonRow[] {
  return c.suites.map((s) => {
    const head = s.metrics.find((m) => m.headline) ?? s.metrics[0];
    return {
      suite: s.suite, models: modelsCell(s), metric: head?.key ?? s.metric ?? '—',
      baseline: metricCell(head?.baseline), current: metricCell(head?.current), delta: signed(head?.delta),
      paired: pairedDelta(s), n: String(s.paired.n), test: testName(s), p: pValue(s.paired.p), p1: pValue(s.paired.pRegression), pHolm: pValue(s.paired.pHolm),
      flips: s.paired.mode !== 'paired' ? '—' : `${s.worseCount}/${s.betterCount}`, verdict: VERDICT_MARK[s.verdict],
    };
  });
}

export function title(c: RunComparison): string {
  return `${c.baseline.runId} (baseline) vs ${c.current.runId}`;
}

export function footnote(c: RunComparison): string {
  return `Each benchmark is tested on the per-sample scores its suite declares for the headline, paired on (sample, repeat): ` +
    `McNemar exact (one- and two-sided) for right/wrong items, paired bootstrap of the mean or ratio of means for graded scores ` +
    `(${c.iterations} resamples, seed ${c.seed}, whole clusters), per-request distributions for latency/throughput (same hardware only). ` +
    `Holm-adjusted (two-sided p) across the tested benchmarks of each model (${c.suites.filter((s) => s.paired.p !== null).length} in all); verdict at α = ${c.alpha}.`;
}
