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
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function metricCell(m: MetricValue | undefined): string {
  if (!m) return '—';
  return m.ci ? `${num(m.value)} [${num(m.ci[0])}, ${num(m.ci[1])}]` : num(m.value);
}

/** Paired delta in percentage points for 0–1 scores, raw units otherwise. */
export function pairedDelta(s: SuiteComparison): string {
  const p = s.paired;
  if (p.delta === null) return '—';
  const k = s.unitScale ? 100 : 1;
  const unit = s.unitScale ? ' pp' : '';
  const ci = p.ci ? ` [${signed(p.ci[0] * k, 1)}, ${signed(p.ci[1] * k, 1)}]` : '';
  return `${signed(p.delta * k, 1)}${unit}${ci}`;
}

export function testName(s: SuiteComparison): string {
  if (s.paired.test === 'mcnemar') return `McNemar b=${s.paired.b} c=${s.paired.c}`;
  if (s.paired.test === 'paired-bootstrap') return 'paired bootstrap';
  return 'none (no paired scores)';
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
  pHolm: string;
  flips: string;
  verdict: string;
}

export const ROW_HEAD: Record<keyof ComparisonRow, string> = {
  suite: 'suite', models: 'model', metric: 'metric', baseline: 'baseline', current: 'current', delta: 'Δ',
  paired: 'paired Δ [95% CI]', n: 'n', test: 'test', p: 'p', pHolm: 'p (Holm)', flips: 'flips −/+', verdict: 'verdict',
};

/** One row per benchmark with its headline metric. */
export function comparisonRows(c: RunComparison): ComparisonRow[] {
  return c.suites.map((s) => {
    const head = s.metrics.find((m) => m.headline) ?? s.metrics[0];
    return {
      suite: s.suite, models: modelsCell(s), metric: head?.key ?? s.metric ?? '—',
      baseline: metricCell(head?.baseline), current: metricCell(head?.current), delta: signed(head?.delta),
      paired: pairedDelta(s), n: String(s.paired.n), test: testName(s), p: pValue(s.paired.p), pHolm: pValue(s.paired.pHolm),
      flips: s.paired.test === 'none' ? '—' : `${s.worseCount}/${s.betterCount}`, verdict: VERDICT_MARK[s.verdict],
    };
  });
}

export function title(c: RunComparison): string {
  return `${c.baseline.runId} (baseline) vs ${c.current.runId}`;
}

export function footnote(c: RunComparison): string {
  return `Paired on (suite, sample, repeat). McNemar exact (two-sided) for right/wrong items, paired bootstrap ` +
    `(${c.iterations} resamples, seed ${c.seed}) for graded scores; Holm-adjusted across ${c.suites.filter((s) => s.paired.p !== null).length} ` +
    `benchmarks; verdict at α = ${c.alpha}.`;
}
