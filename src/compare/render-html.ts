import type { LoadedRun } from '../results/files.ts';
import { escapeHtml as e } from '../report/escape.ts';
import { renderReport, type ReportOptions } from '../report/index.ts';
import type { PageSection } from '../report/page.ts';
import { table } from '../report/tables.ts';
import type { Flip, RunComparison } from './compare.ts';
import { comparisonRows, footnote, metricCell, ROW_HEAD, signed, title, type ComparisonRow } from './format.ts';

const COLUMNS: Array<keyof ComparisonRow> = ['suite', 'models', 'metric', 'baseline', 'current', 'delta', 'paired', 'n', 'test', 'p', 'p1', 'pHolm', 'flips', 'verdict'];

function flipsTable(flips: readonly Flip[]): string {
  return table(['sample', 'baseline', 'current', 'question', 'baseline answer', 'current answer', 'reference'],
    flips.map((f) => [e(f.sampleId), String(f.baseline), String(f.current), e(f.question ?? ''), e(f.baselineOutput ?? ''), e(f.currentOutput ?? ''), e(f.reference ?? '')]), 'flips');
}

/** The comparison sections: headline table, every metric's delta, and the flipped samples. */
export function comparisonSections(comparisons: readonly RunComparison[]): PageSection[] {
  return comparisons.map((c, i) => {
    const rows = comparisonRows(c).map((r) => COLUMNS.map((k) => {
      const v = e(r[k]);
      return k === 'verdict' ? `<span class="${r.verdict.includes('worse') ? 'bad' : r.verdict.includes('better') ? 'good' : ''}">${v}</span>` : v;
    }));
    const all = table(['suite', 'model', 'metric', 'baseline', 'current', 'Δ'], c.suites.flatMap((s) => s.metrics.map((m) => [
      e(s.suite), e(s.baselineModel === s.currentModel ? s.currentModel : `${s.baselineModel} → ${s.currentModel}`),
      m.headline ? `<b>${e(m.key)}</b>` : e(m.key), e(metricCell(m.baseline)), e(metricCell(m.current)), e(signed(m.delta)),
    ])));
    const flips = c.suites.filter((s) => s.worse.length || s.better.length).map((s) =>
      `<details><summary>${e(s.suite)} (${e(s.currentModel)}): ${s.worseCount} worse, ${s.betterCount} better</summary>` +
      (s.worse.length ? `<h4>Worse (${s.worse.length} shown)</h4>${flipsTable(s.worse)}` : '') +
      (s.better.length ? `<h4>Better (${s.better.length} shown)</h4>${flipsTable(s.better)}` : '') + '</details>').join('');
    return {
      id: `compare-${i}`, title: title(c),
      html: table(COLUMNS.map((k) => e(ROW_HEAD[k])), rows, 'compare') + `<p class="small">${e(footnote(c))}</p>` +
        `<details><summary>Every metric</summary>${all}</details><h3>Flipped samples</h3>${flips || '<p>None.</p>'}`,
    };
  });
}

/** One self-contained page: comparison tables first, then the usual report of all runs (radar overlay). */
export async function renderComparisonHtml(runs: readonly LoadedRun[], comparisons: readonly RunComparison[], opts: ReportOptions = {}): Promise<string> {
  return renderReport(runs, {
    ...opts,
    title: opts.title ?? `vlmbench compare — ${comparisons.map(title).join('; ')}`,
    extraSections: comparisonSections(comparisons),
  });
}
