import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedRun } from '../results/files.ts';
import { RUN_FILES } from '../results/files.ts';
import { escapeHtml as e } from '../report/escape.ts';
import { buildReportPage, type ReportOptions } from '../report/index.ts';
import { renderPage, type PageSection } from '../report/page.ts';
import { table } from '../report/tables.ts';
import type { Flip, RunComparison, SuiteComparison } from './compare.ts';
import { comparisonRows, footnote, metricCell, modelsCell, ROW_HEAD, signed, testName, title, type ComparisonRow } from './format.ts';

const COLUMNS: Array<keyof ComparisonRow> = ['suite', 'models', 'metric', 'baseline', 'current', 'delta', 'paired', 'n', 'test', 'p', 'p1', 'pHolm', 'flips', 'verdict'];

/** Flipped samples side by side: question and reference once, then the baseline and the current answer. */
function flipsTable(flips: readonly Flip[]): string {
  return table(['sample', 'question', 'reference', 'baseline score', 'baseline answer', 'current score', 'current answer'],
    flips.map((f) => [e(f.sampleId), e(f.question ?? ''), e(f.reference ?? ''), String(f.baseline), e(f.baselineOutput ?? ''), String(f.current), e(f.currentOutput ?? '')]), 'flips');
}

function suiteFlips(s: SuiteComparison): string {
  const head = `${e(s.suite)} · ${e(modelsCell(s))}: ${s.worseCount} worse, ${s.betterCount} better (${e(testName(s))})`;
  // The worse side is what a reader opens the page for: open by default.
  return `<details open><summary>${head}</summary>` +
    (s.worse.length ? `<h4>Worse (${s.worse.length}${s.worseCount > s.worse.length ? ` of ${s.worseCount}` : ''} shown)</h4>${flipsTable(s.worse)}` : '') +
    (s.better.length ? `<details><summary>Better (${s.better.length}${s.betterCount > s.better.length ? ` of ${s.betterCount}` : ''} shown)</summary>${flipsTable(s.better)}</details>` : '') + '</details>';
}

/** The comparison sections: headline table with the paired test, every metric's delta (collapsed), flips. */
export function comparisonSections(comparisons: readonly RunComparison[]): PageSection[] {
  return comparisons.map((c, i) => {
    const rows = comparisonRows(c).map((r) => COLUMNS.map((k) => {
      const v = e(r[k]);
      return k === 'verdict' ? `<span class="${r.verdict.includes('worse') ? 'bad' : r.verdict.includes('better') ? 'good' : ''}">${v}</span>` : v;
    }));
    const all = table(['suite', 'model', 'metric', 'baseline', 'current', 'Δ'], c.suites.flatMap((s) => s.metrics.map((m) => [
      e(s.suite), e(modelsCell(s)), m.headline ? `<b>${e(m.key)}</b>` : e(m.key), e(metricCell(m.baseline)), e(metricCell(m.current)), e(signed(m.delta)),
    ])));
    const flips = c.suites.filter((s) => s.worse.length || s.better.length).map(suiteFlips).join('');
    return {
      id: `compare-${i}`, title: title(c),
      html: table(COLUMNS.map((k) => e(ROW_HEAD[k])), rows, 'compare') + `<p class="small">${e(footnote(c))}</p>` +
        `<h3>Flipped samples</h3>${flips || '<p>None.</p>'}<details><summary>Every metric's delta</summary>${all}</details>`,
    };
  });
}

/**
 * Short, distinct series names for the overlay: 'baseline' and 'current' (numbered when several), so a
 * legend that truncates long names still tells the runs apart. The run ids are in the section titles.
 */
function labelled(runs: readonly LoadedRun[]): LoadedRun[] {
  return runs.map((r, i) => ({
    ...r, summary: { ...r.summary, runId: i === 0 ? 'baseline' : runs.length > 2 ? `current ${i}` : 'current' },
  }));
}

function reportLinks(runs: readonly LoadedRun[], out: string | undefined): string {
  const rows = runs.map((r, i) => {
    const file = path.join(r.dir, RUN_FILES.report);
    const href = out ? path.relative(path.dirname(out), file).split(path.sep).join('/') : pathToFileURL(file).href;
    const link = existsSync(file) ? `<a href="${e(href)}">${e(RUN_FILES.report)}</a>` : `(no report; run <code>vlmbench report ${e(r.dir)}</code>)`;
    return [i === 0 ? 'baseline' : runs.length > 2 ? `current ${i}` : 'current', e(r.summary.runId), e(r.dir), link];
  });
  return table(['role', 'run', 'folder', 'full report'], rows);
}

/**
 * One self-contained page: the comparison (deltas, paired tests, flipped samples side by side), the
 * measured radar of both runs, and links to each run's own report instead of embedding both in full.
 */
export async function renderComparisonHtml(runs: readonly LoadedRun[], comparisons: readonly RunComparison[], opts: ReportOptions = {}): Promise<string> {
  // SVG only by default: PNG copies of three radars would be most of the page's weight.
  const page = await buildReportPage(labelled(runs), { ...opts, png: opts.png ?? false, samples: false });
  const overview = page.sections.find((s) => s.id === 'overview');
  const published = page.sections.find((s) => s.id === 'published');
  const sections: PageSection[] = [
    ...comparisonSections(comparisons),
    ...(overview ? [{ ...overview, title: 'Radar: baseline and current' }] : []),
    ...(published ? [{ ...published, html: `<details><summary>Published scores overlay</summary>${published.html}</details>` }] : []),
    { id: 'runs', title: 'Full reports', html: reportLinks(runs, opts.out) },
  ];
  return renderPage({
    title: opts.title ?? `vlmbench compare — ${comparisons.map(title).join('; ')}`,
    subtitle: runs.map((r, i) => `${i === 0 ? 'baseline' : 'current'}: ${r.summary.runId}`).join(' · '),
    sections,
  });
}
