import type { RunComparison, Flip } from './compare.ts';
import { comparisonRows, footnote, ROW_HEAD, title, type ComparisonRow } from './format.ts';

const COLUMNS: Array<keyof ComparisonRow> = ['suite', 'models', 'metric', 'baseline', 'current', 'delta', 'paired', 'n', 'test', 'p', 'p1', 'pHolm', 'flips', 'verdict'];

/**
 * Markdown table cell: pipes, backticks, angle brackets and newlines cannot break the table or inject
 * HTML, and link/image/emphasis punctuation is escaped so a model answer such as `![x](https://…)` shows
 * as text instead of loading a remote image on the CI page.
 */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)
    .replace(/[`[\]!*_~]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function clip(s: string | undefined, max = 120): string {
  const v = (s ?? '').replace(/\s+/g, ' ').trim();
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}

function flipTable(flips: readonly Flip[]): string[] {
  return [
    '| sample | baseline | current | question | baseline answer | current answer | reference |',
    '|---|---|---|---|---|---|---|',
    ...flips.map((f) => `| ${mdCell(f.sampleId)} | ${f.baseline} | ${f.current} | ${mdCell(clip(f.question))} | ${mdCell(clip(f.baselineOutput))} | ${mdCell(clip(f.currentOutput))} | ${mdCell(clip(f.reference))} |`),
  ];
}

/** Markdown for CI job pages and PR comments. */
export function renderComparisonMarkdown(comparisons: readonly RunComparison[], opts: { flips?: number } = {}): string {
  const out: string[] = [];
  for (const c of comparisons) {
    out.push(`## ${mdCell(title(c))}`, '');
    out.push(`| ${COLUMNS.map((k) => ROW_HEAD[k]).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`);
    for (const r of comparisonRows(c)) out.push(`| ${COLUMNS.map((k) => mdCell(r[k])).join(' | ')} |`);
    out.push('', `_${footnote(c)}_`, '');
    const n = opts.flips ?? 20;
    for (const s of c.suites) {
      if (s.worse.length === 0 && s.better.length === 0) continue;
      out.push(`<details><summary>${mdCell(s.suite)}: ${s.worseCount} worse, ${s.betterCount} better</summary>`, '');
      if (s.worse.length) out.push('**Worse**', '', ...flipTable(s.worse.slice(0, n)), '');
      if (s.better.length) out.push('**Better**', '', ...flipTable(s.better.slice(0, n)), '');
      out.push('</details>', '');
    }
  }
  return out.join('\n');
}
