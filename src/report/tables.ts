import type { MetricValue, SuiteSummary } from '../core/record.ts';
import { escapeHtml as e, fmt } from './escape.ts';
import type { PercentileRow } from './latency.ts';
import { PERCENTILES } from './latency.ts';
import type { PublishedScores } from './published.ts';
import { publishedRows } from './published.ts';
import type { ModelSeries } from './series.ts';

/** Value with sensible precision: fractions keep 3 decimals, percentages and ms 2. */
export function fmtMetric(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return Math.abs(v) <= 1 ? v.toFixed(3) : v.toFixed(2);
}

function ci(m: MetricValue): string {
  return m.ci ? `[${fmtMetric(m.ci[0])}, ${fmtMetric(m.ci[1])}]` : '—';
}

export function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function summariesOf(s: ModelSeries): SuiteSummary[] {
  return s.run.summary.results.filter((r) => r.model === s.model);
}

/** Every metric of every suite, with its interval, n, and the suite's sample/error counts. */
export function metricsTable(series: readonly ModelSeries[]): string {
  const rows: string[][] = [];
  for (const s of series) {
    for (const r of summariesOf(s)) {
      for (const [key, m] of Object.entries(r.metrics)) {
        const head = key === r.headline;
        rows.push([
          e(s.name), e(r.suite), head ? `<b>${e(key)}</b> ★` : e(key), `<span class="num">${fmtMetric(m.value)}</span>`,
          ci(m), String(m.n), `${r.n}`, r.errors ? `<span class="bad">${r.errors}</span>` : '0', e(m.better ?? ''), e(m.unit ?? ''),
        ]);
      }
      for (const note of r.notes ?? []) rows.push([e(s.name), e(r.suite), '<i>note</i>', `<span class="note">${e(note)}</span>`, '', '', '', '', '', '']);
      // Scores rendered by a server's own template are not the reference protocol: label them.
      if (r.promptSource && r.promptSource !== 'client') rows.push([e(s.name), e(r.suite), '<i>prompt</i>', `<span class="note">${e(r.promptSource)}</span>`, '', '', '', '', '', '']);
    }
  }
  if (rows.length === 0) return '<p>No summaries in these runs.</p>';
  return table(['model', 'suite', 'metric', 'value', '95% CI', 'n', 'samples', 'errors', 'better', 'unit'], rows, 'metrics');
}

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isFlat = (v: unknown): v is Record<string, Scalar> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isScalar);

function cell(v: unknown): string {
  if (typeof v === 'number') return fmtMetric(v);
  if (isScalar(v)) return e(String(v));
  return `<code>${e(JSON.stringify(v))}</code>`;
}

/**
 * SuiteSummary.tables across series: a flat table (e.g. ScienceQA categories) becomes one row per
 * model; arrays of objects become one table per model; anything else is shown as escaped JSON.
 */
export function suiteTables(series: readonly ModelSeries[], filter: (suite: string) => boolean): string {
  const groups = new Map<string, Array<{ name: string; value: unknown }>>();
  for (const s of series) {
    for (const r of summariesOf(s)) {
      if (!filter(r.suite)) continue;
      for (const [name, value] of Object.entries(r.tables ?? {})) {
        const key = `${r.suite} — ${name}`;
        groups.set(key, [...(groups.get(key) ?? []), { name: s.name, value }]);
      }
    }
  }
  const parts: string[] = [];
  for (const [title, items] of groups) {
    parts.push(`<h3>${e(title)}</h3>`);
    if (items.every((i) => isFlat(i.value))) {
      const cols = [...new Set(items.flatMap((i) => Object.keys(i.value as object)))];
      parts.push(table(['model', ...cols.map(e)], items.map((i) => [e(i.name), ...cols.map((c) => cell((i.value as Record<string, Scalar>)[c]))])));
    } else {
      for (const i of items) {
        parts.push(`<h4>${e(i.name)}</h4>`);
        if (Array.isArray(i.value) && i.value.every((x) => isFlat(x))) {
          const cols = [...new Set(i.value.flatMap((x) => Object.keys(x as object)))];
          parts.push(table(cols.map(e), i.value.map((x) => cols.map((c) => cell((x as Record<string, Scalar>)[c])))));
        } else {
          parts.push(`<pre>${e(JSON.stringify(i.value, null, 2))}</pre>`);
        }
      }
    }
  }
  return parts.join('\n');
}

/** Published per-category table (e.g. ScienceQA leaderboard rows) beside the measured one. */
export function publishedTable(pub: PublishedScores, name: string): string {
  const t = pub.tables[name];
  if (!t) return '';
  const src = pub.sources[t.source];
  return `<h3>Published — ${e(name)} <span class="src">(${e(src?.title ?? t.source)})</span></h3>` +
    table(['model', ...t.columns.map(e)], t.rows.map((r) => [e(r.model), ...r.values.map((v) => v.toFixed(2))]));
}

/** Every published value with its source and verification flag. */
export function publishedSourcesTable(pub: PublishedScores): string {
  const rows = publishedRows(pub).map((r) => [
    e(r.model), e(r.axis), r.value.toString(), r.unverified ? '<span class="warn">unverified</span>' : 'checked',
    r.trainSeen ? 'train images seen (*)' : '', e(r.note ?? ''),
    r.url ? `<span class="src" title="${e(r.url)}">${e(r.sourceTitle)}</span>` : e(r.sourceTitle),
  ]);
  return `<details><summary>Published values and sources (${rows.length}, from ${e(pub.file.split('/').pop())})</summary>` +
    table(['model', 'axis', 'value', 'status', '', 'note', 'source'], rows) + '</details>';
}

export function percentileTable(rows: readonly PercentileRow[]): string {
  if (rows.length === 0) return '';
  return table(
    ['model', 'suite', 'metric (ms)', 'n', ...PERCENTILES.map((p) => `p${p}`), 'mean'],
    rows.map((r) => [e(r.series), e(r.suite), e(r.metric), String(r.n), ...r.values.map((v) => fmt(v, 1)), fmt(r.mean, 1)]),
    'latency',
  );
}
