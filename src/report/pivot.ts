import type { MetricValue, SuiteSummary } from '../core/record.ts';
import { escapeHtml as e } from './escape.ts';
import type { PublishedScores } from './published.ts';
import { publishedSeries } from './published.ts';
import { isPerfSummary, measuredRadar, radarAxisOf, type ModelSeries } from './series.ts';
import { display, fmtNumber, type UnitKind } from './units.ts';

/**
 * The first screen's model × benchmark table (lmms-eval / VLMEvalKit leaderboard style): one row per
 * model series, benchmarks as columns in the radar's order, then the speed columns; published
 * reference rows beneath in grey.
 */
export interface PivotColumn {
  key: string;
  title: string;
  /** Tooltip for the header (what the column is). */
  hint: string;
  better: 'higher' | 'lower';
  kind: UnitKind;
  perf: boolean;
}

export interface PivotCell {
  value: number | null;
  text: string;
  /** Hover text: interval, n, sources. */
  title: string;
  /** "2 err / 8" when the cell is not clean. */
  flag?: string;
  invalid?: string;
  /** 95% interval on the cell's scale, when the cell has one. */
  ci?: [number, number];
}

export interface Pivot {
  columns: PivotColumn[];
  rows: Array<{ name: string; cells: PivotCell[] }>;
  published: Array<{ name: string; cells: Array<number | null>; trainSeen: boolean[] }>;
}

const resultsOf = (s: ModelSeries) => s.run.summary.results.filter((r) => r.model === s.model);

function headline(r: SuiteSummary): MetricValue | undefined {
  return r.headline ? r.metrics[r.headline] : undefined;
}

/** Reason a perf suite has no headline: its load points were marked invalid. */
export function invalidReason(r: SuiteSummary): string | undefined {
  const reasons = r.tables?.invalid_reasons;
  if (Array.isArray(reasons) && reasons.length) return reasons.map(String).join('; ');
  const notes = (r.notes ?? []).filter((n) => /INVALID/.test(n));
  return notes.length ? notes.join('; ') : undefined;
}

function perfTitle(r: SuiteSummary): string {
  const h = r.headline ?? '';
  if (h === 'ttft_p50') return 'TTFT p50';
  if (h === 'peak_output_throughput') return 'peak tok/s';
  return `${r.suite} ${h.replace(/_/g, ' ')}`;
}

export function buildPivot(series: readonly ModelSeries[], published: readonly PublishedScores[] = []): Pivot {
  const radar = measuredRadar(series);
  const columns: PivotColumn[] = radar.axes.map((axis) => ({
    key: `q:${axis}`, title: axis, hint: '', better: 'higher', kind: axis === 'MME' ? 'points' : 'percent', perf: false,
  }));
  const perfSuites = new Map<string, PivotColumn>();
  const suitesOfAxis = new Map<string, Set<string>>();
  for (const s of series) {
    for (const r of resultsOf(s)) {
      if (isPerfSummary(r)) {
        const m = headline(r);
        if (r.headline && !perfSuites.has(r.suite)) {
          const kind = display(m ?? { value: null, n: 0, unit: 'ms' }).kind;
          perfSuites.set(r.suite, { key: `p:${r.suite}`, title: perfTitle(r), hint: `${r.suite}: ${r.headline}${m?.unit ? ` (${m.unit})` : ''}`, better: m?.better === 'higher' ? 'higher' : 'lower', kind, perf: true });
        }
      } else {
        const axis = radarAxisOf(r.suite, r.headline);
        suitesOfAxis.set(axis, (suitesOfAxis.get(axis) ?? new Set()).add(`${r.suite}: ${r.headline ?? '—'}`));
      }
    }
  }
  for (const c of columns) c.hint = [...(suitesOfAxis.get(c.title) ?? [])].join(', ');
  const perfCols = [...perfSuites.values()];
  // Two perf suites with the same headline (TTFT p50 single stream and under load): name the suite too.
  const dup = new Set(perfCols.filter((c) => perfCols.filter((x) => x.title === c.title).length > 1));
  for (const c of dup) c.title = `${c.key.slice(2)} ${c.title}`;
  columns.push(...perfCols);

  const rows = series.map((s, si) => {
    const rs = resultsOf(s);
    const cells = columns.map((c): PivotCell => {
      if (c.perf) {
        const r = rs.find((x) => `p:${x.suite}` === c.key);
        if (!r) return { value: null, text: '—', title: 'not run' };
        const d = display(headline(r));
        const bad = invalidReason(r);
        const flag = r.errors ? `${r.errors} err / ${r.n}` : undefined;
        if (d.value === null && bad) return { value: null, text: 'invalid', title: bad, invalid: bad, flag };
        return { value: d.value, text: d.text, title: `${d.text} ${d.unit} · n ${headline(r)?.n ?? r.n}${bad ? ` · some load points invalid: ${bad}` : ''}`, flag };
      }
      const axis = c.title;
      const feeding = rs.filter((r) => !isPerfSummary(r) && radarAxisOf(r.suite, r.headline) === axis);
      const v = radar.series[si]!.values[axis];
      if (feeding.length === 0) return { value: null, text: '—', title: 'not run' };
      const n = feeding.reduce((a, r) => a + (headline(r)?.n ?? 0), 0);
      const errors = feeding.reduce((a, r) => a + r.errors, 0);
      const samples = feeding.reduce((a, r) => a + r.n, 0);
      const value = typeof v === 'number' ? v : null;
      const one = feeding.length === 1 ? display(headline(feeding[0]!), axis) : undefined;
      const m = feeding.length === 1 ? headline(feeding[0]!) : undefined;
      // the same scaling headlineValue applies: unitless fractions become percentages
      const k = !m || m.unit || c.kind === 'points' || typeof m.value !== 'number' || Math.abs(m.value) > 1 ? 1 : 100;
      const ci = one?.ci ? `95% CI ${one.ci}` : feeding.length > 1 ? `combined from ${feeding.map((r) => r.suite).join(', ')}` : 'no interval';
      // Scores whose prompt the server rendered (its own template) are not the reference protocol: marked.
      const served = feeding.find((r) => r.promptSource && r.promptSource !== 'client')?.promptSource;
      const mark = served ? ` · † prompt: ${served}` : '';
      return {
        value, text: `${fmtNumber(value, c.kind)}${served ? ' †' : ''}`, title: `${fmtNumber(value, c.kind)} · ${ci} · n ${n}${errors ? ` · ${errors} of ${samples} samples errored` : ''}${mark}`,
        flag: errors ? `${errors} err / ${samples}` : undefined,
        ...(m?.ci ? { ci: [m.ci[0] * k, m.ci[1] * k] as [number, number] } : {}),
      };
    });
    return { name: s.name, cells };
  });

  const pubRows: Pivot['published'] = [];
  for (const pub of published) {
    const fig = publishedSeries(pub);
    for (const ps of fig.series) {
      const model = pub.models.find((m) => `${m.name} (published)` === ps.name);
      const cells = columns.map((c) => (c.perf ? null : ps.values[c.title] ?? null));
      if (cells.every((v) => v === null)) continue;
      pubRows.push({ name: ps.name, cells, trainSeen: columns.map((c) => !c.perf && model?.scores[c.title]?.trainSeen === true) });
    }
  }
  return { columns, rows, published: pubRows };
}

/** Row indices holding the best value of each column; none when every row ties (nothing to pick). */
export function bestRows(p: Pivot): Array<Set<number>> {
  return p.columns.map((c, ci) => {
    const vals = p.rows.map((r) => r.cells[ci]!.value);
    const present = vals.filter((v): v is number => v !== null);
    if (present.length < 2) return new Set();
    const best = c.better === 'lower' ? Math.min(...present) : Math.max(...present);
    const winners = vals.flatMap((v, i) => (v === best ? [i] : []));
    return winners.length === present.length ? new Set() : new Set(winners);
  });
}

export function pivotHtml(p: Pivot): string {
  if (p.columns.length === 0) return '<p>No headline metrics in these runs.</p>';
  const best = bestRows(p);
  const firstPerf = p.columns.findIndex((c) => c.perf);
  const sep = (ci: number) => (ci === firstPerf ? ' class="sep"' : '');
  const head = `<tr><th>model</th>${p.columns.map((c, ci) =>
    `<th${sep(ci)} title="${e(c.hint)}">${e(c.title)}${c.perf ? `<br><span class="unit">${c.kind === 'ms' ? 'ms' : c.kind === 'rate' ? 'tok/s' : ''} ${c.better === 'lower' ? '↓' : '↑'}</span>` : ''}</th>`).join('')}</tr>`;
  const body = p.rows.map((r, ri) => `<tr><th class="name" title="${e(r.name)}">${e(r.name)}</th>${r.cells.map((cell, ci) => {
    const cls = [ci === firstPerf ? 'sep' : '', best[ci]!.has(ri) ? 'best' : '', cell.invalid ? 'invalid' : ''].filter(Boolean).join(' ');
    const flag = cell.flag ? `<span class="flag">${e(cell.flag)}</span>` : '';
    return `<td${cls ? ` class="${cls}"` : ''} title="${e(cell.title)}">${e(cell.text)}${flag}</td>`;
  }).join('')}</tr>`).join('');
  const pub = p.published.map((r) => `<tr class="pub"><th class="name" title="${e(r.name)}">${e(r.name.replace(/ \(published\)$/, ''))}</th>${r.cells.map((v, ci) =>
    `<td${sep(ci)}>${v === null ? '' : `${e(fmtNumber(v, p.columns[ci]!.kind))}${r.trainSeen[ci] ? '*' : ''}`}</td>`).join('')}</tr>`).join('');
  const pubHead = p.published.length ? `<tr class="pub-head"><th colspan="${p.columns.length + 1}">published (reference; * = training images seen)</th></tr>` : '';
  const cls = p.columns.length > 8 ? 'pivot wide' : 'pivot';
  return `<table class="${cls}"><thead>${head}</thead><tbody>${body}</tbody>${pub ? `<tbody>${pubHead}${pub}</tbody>` : ''}</table>`;
}
