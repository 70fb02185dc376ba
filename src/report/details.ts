import type { SuiteSummary } from '../core/record.ts';
import { escapeHtml as e } from './escape.ts';
import type { PublishedScores } from './published.ts';
import { isPerfSummary, radarAxisOf, type ModelSeries } from './series.ts';
import { table } from './tables.ts';
import { display, fmtNumber } from './units.ts';

/**
 * The collapsible detail tables under the first screen: the official ScienceQA category table, the
 * LLaVA-Bench per-category table, OCRBench per type, and one table per suite — never JSON dumps.
 */
const resultsOf = (s: ModelSeries) => s.run.summary.results.filter((r) => r.model === s.model);

/** Column order of LLaVA `scripts/sqa_eval_results.py` / the ScienceQA leaderboard. */
export const SQA_COLUMNS = ['NAT', 'SOC', 'LAN', 'TXT', 'IMG', 'NO', 'G1-6', 'G7-12', 'Avg'] as const;

interface SqaTable { official?: Record<string, string | number>; counts?: Record<string, { correct: number; total: number }> }

/** ScienceQA as the official table; the upstream script writes -1 for a category with no questions. */
export function scienceqaTable(series: readonly ModelSeries[], published: readonly PublishedScores[]): string {
  const rows: string[][] = [];
  for (const s of series) {
    for (const r of resultsOf(s)) {
      const t = r.tables?.scienceqa as SqaTable | undefined;
      if (!t?.official) continue;
      rows.push([`<th class="name">${e(s.name)}${r.suite === 'scienceqa' ? '' : ` · ${e(r.suite)}`}</th>`, ...SQA_COLUMNS.map((c) => {
        const v = Number(t.official![c]);
        const cnt = t.counts?.[c];
        const title = cnt?.total ? ` title="${cnt.correct} of ${cnt.total} correct"` : '';
        return `<td${title}>${v < 0 || !Number.isFinite(v) ? '—' : v.toFixed(1)}</td>`;
      })]);
    }
  }
  if (rows.length === 0) return '';
  for (const pub of published) {
    const t = pub.tables.scienceqa;
    if (!t) continue;
    for (const row of t.rows) {
      rows.push([`<th class="name">${e(row.model)}</th>`, ...SQA_COLUMNS.map((c) => {
        const i = t.columns.indexOf(c);
        return `<td>${i < 0 ? '' : row.values[i]!.toFixed(1)}</td>`;
      })].map((x, i) => (i === 0 ? x.replace('<th class="name">', '<th class="name pubname">') : x)));
    }
  }
  const ncols = SQA_COLUMNS.length;
  const head = `<tr><th rowspan="2">model</th><th colspan="3">subject</th><th colspan="3">context modality</th><th colspan="2">grade</th><th rowspan="2">Avg</th></tr>` +
    `<tr>${SQA_COLUMNS.slice(0, ncols - 1).map((c) => `<th>${c}</th>`).join('')}</tr>`;
  const nMeasured = rows.length - published.reduce((a, p) => a + (p.tables.scienceqa?.rows.length ?? 0), 0);
  return `<table class="grid"><thead>${head}</thead><tbody>${rows.map((r, i) => `<tr${i >= nMeasured ? ' class="pub"' : ''}>${r.join('')}</tr>`).join('')}</tbody></table>` +
    '<p class="small">NAT/SOC/LAN natural, social, language science; TXT/IMG/NO text, image or no context; G1-6/G7-12 grades. — = no questions in that category. Grey rows: published (leaderboard).</p>';
}

interface LbRow { group: string; n: number; used?: number; relative: number | null; ref10: number | null; model10: number | null }

const LB_GROUPS: Array<[string, string]> = [['llava_bench_conv', 'conversation'], ['llava_bench_detail', 'detail'], ['llava_bench_complex', 'complex reasoning']];

/** LLaVA-Bench per category with the judge's mean reference and model scores (×10) and relative score. */
export function llavaBenchTable(series: readonly ModelSeries[]): string {
  const rows: string[][] = [];
  for (const s of series) {
    const groups = new Map<string, LbRow>();
    for (const r of resultsOf(s)) {
      const t = r.tables?.llavaBench;
      if (!Array.isArray(t)) continue;
      for (const row of t as LbRow[]) if (row.group !== 'all' || !groups.has('all')) groups.set(row.group, row);
    }
    if (groups.size === 0) continue;
    // Overall as the official summary: ratio of mean scores over every question.
    const cats = LB_GROUPS.map(([g]) => groups.get(g)).filter((x): x is LbRow => !!x && x.ref10 !== null && x.model10 !== null);
    const w = (x: LbRow) => x.used ?? x.n;
    const tot = cats.reduce((a, x) => a + w(x), 0);
    const all: LbRow | undefined = cats.length > 1 && tot > 0
      ? { group: 'all', n: tot, ref10: cats.reduce((a, x) => a + x.ref10! * w(x), 0) / tot, model10: cats.reduce((a, x) => a + x.model10! * w(x), 0) / tot, relative: null }
      : groups.get('all');
    if (all && all.relative === null && all.ref10) all.relative = (100 * all.model10!) / all.ref10;
    const cell = (x: LbRow | undefined) => (x ? [fmtNumber(x.ref10, 'points'), fmtNumber(x.model10, 'points'), `<b>${fmtNumber(x.relative, 'percent')}</b>`] : ['—', '—', '—']);
    rows.push([`<th class="name">${e(s.name)}</th>`, ...[...LB_GROUPS.map(([g]) => groups.get(g)), all].flatMap((x, i) =>
      cell(x).map((c, j) => `<td${j === 0 ? ' class="sep"' : ''}${x ? ` title="${e(`${i < 3 ? LB_GROUPS[i]![1] : 'overall'}: n ${x.used ?? x.n}`)}"` : ''}>${c}</td>`))]);
  }
  if (rows.length === 0) return '';
  const head = `<tr><th rowspan="2">model</th>${[...LB_GROUPS.map(([, t]) => t), 'overall'].map((t) => `<th colspan="3" class="sep">${t}</th>`).join('')}</tr>` +
    `<tr>${Array.from({ length: 4 }, () => '<th class="sep">ref</th><th>model</th><th>relative</th>').join('')}</tr>`;
  return `<table class="grid"><thead>${head}</thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>` +
    '<p class="small">ref / model: the judge\'s mean score (1–10, ×10) for the reference answer and for the model; relative = model / ref in %, as LLaVA <code>llava/eval/summarize_gpt_review.py</code>.</p>';
}

interface OcrTypes { types?: Array<{ type: string; score: number; items: number; officialItems: number }>; final?: number; items?: number }

/** OCRBench: score per question type, one column per model. */
export function ocrbenchTable(series: readonly ModelSeries[]): string {
  const per = series.flatMap((s) => resultsOf(s).map((r) => ({ s, t: r.tables?.ocrbench as OcrTypes | undefined })).filter((x) => x.t?.types));
  if (per.length === 0) return '';
  const types = [...new Set(per.flatMap((x) => x.t!.types!.map((t) => t.type)))];
  const rows = types.map((type) => [e(type), ...per.map(({ t }) => {
    const r = t!.types!.find((x) => x.type === type);
    return r ? `<span title="${r.items} of ${r.officialItems} official items">${r.score}</span>` : '—';
  })]);
  rows.push(['<b>Final Score</b>', ...per.map(({ t }) => `<b>${t!.final ?? '—'}</b> <span class="small">/ ${t!.items ?? '?'} items</span>`)]);
  return table(['type', ...per.map(({ s }) => e(s.name))], rows, 'grid');
}

type Scalar = string | number | boolean | null;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isFlat = (v: unknown): v is Record<string, Scalar> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isScalar);

/** Tables rendered elsewhere (their own section, or the latency section). */
const SPECIAL_TABLES = new Set(['scienceqa', 'llavaBench', 'ocrbench', 'loadPoints', 'repeats', 'invalid_reasons', 'valid']);

function scalarText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (isScalar(v)) return e(String(v));
  if (Array.isArray(v) && v.every(isScalar)) return e(v.join(', '));
  if (isFlat(v)) return Object.entries(v).map(([k, x]) => `${e(k)} ${scalarText(x)}`).join(' · ');
  // Deeper structures: key paths as text, never a JSON dump.
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => `${e(k)}: ${scalarText(x)}`).join('; ');
  return '';
}

function extraTable(name: string, items: Array<{ model: string; value: unknown }>): string {
  const rowsOf = (v: unknown) => (Array.isArray(v) ? v : [v]);
  if (items.every((i) => rowsOf(i.value).every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)))) {
    const cols = [...new Set(items.flatMap((i) => rowsOf(i.value).flatMap((x) => Object.keys(x as object))))];
    if (cols.length === 0) return '';
    const rows = items.flatMap((i) => rowsOf(i.value).map((x) => [e(i.model), ...cols.map((c) => scalarText((x as Record<string, unknown>)[c]))]));
    return `<h4>${e(name)}</h4>${table(['model', ...cols.map(e)], rows, 'grid small-table')}`;
  }
  return `<h4>${e(name)}</h4>${table(['model', 'value'], items.map((i) => [e(i.model), scalarText(i.value)]), 'grid small-table')}`;
}

/** One table per suite: metrics as rows, models as columns (value, hover for interval and n). */
export function suiteDetails(series: readonly ModelSeries[]): string {
  const bySuite = new Map<string, Array<{ s: ModelSeries; r: SuiteSummary }>>();
  for (const s of series) for (const r of resultsOf(s)) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), { s, r }]);
  const parts: string[] = [];
  for (const [suite, items] of bySuite) {
    const perf = items.some(({ r }) => isPerfSummary(r));
    // Perf suites prefix every metric by load point (c4.ttft_p50…): those live in the latency section.
    const keys = [...new Set(items.flatMap(({ r }) => Object.keys(r.metrics)))].filter((k) => !(perf && k.includes('.')));
    const axis = radarAxisOf(suite, items[0]!.r.headline);
    const rows = keys.map((k) => {
      const head = items.some(({ r }) => r.headline === k);
      const unit = items.map(({ r }) => r.metrics[k]).find(Boolean)?.unit;
      return [`${head ? `<b>${e(k)}</b> ★` : e(k)}${unit ? ` <span class="unit">${e(unit === '%' ? '' : unit)}</span>` : ''}`, ...items.map(({ r }) => {
        const d = display(r.metrics[k], k === r.headline ? axis : undefined);
        const m = r.metrics[k];
        return m ? `<span title="${e(`${d.ci ? `95% CI ${d.ci} · ` : ''}n ${m.n}`)}">${e(d.text)}</span>` : '—';
      })];
    });
    rows.push(['samples / errors', ...items.map(({ r }) => (r.errors ? `${r.n} / <span class="bad">${r.errors}</span>` : `${r.n} / 0`))]);
    const notes = [...new Set(items.flatMap(({ r }) => r.notes ?? []))];
    const extras = new Map<string, Array<{ model: string; value: unknown }>>();
    for (const { s, r } of items) {
      for (const [name, value] of Object.entries(r.tables ?? {})) {
        if (SPECIAL_TABLES.has(name) || (Array.isArray(value) && value.length === 0) || (isFlat(value) && Object.keys(value).length === 0)) continue;
        extras.set(name, [...(extras.get(name) ?? []), { model: s.name, value }]);
      }
    }
    const head = items[0]!.r;
    const hv = display(head.headline ? head.metrics[head.headline] : undefined, axis);
    parts.push(`<details class="suite" id="suite-${e(suite)}"><summary><b>${e(suite)}</b> <span class="small">${e(head.headline ?? '')}${items.length === 1 ? ` ${hv.text}` : ''} · ${items.length} model${items.length > 1 ? 's' : ''}${notes.length ? ` · ${notes.length} note${notes.length > 1 ? 's' : ''}` : ''}</span></summary>` +
      table(['metric', ...items.map(({ s }) => e(s.name))], rows, 'grid metrics') +
      (notes.length ? `<ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : '') +
      [...extras].map(([name, list]) => extraTable(name, list)).join('') + '</details>');
  }
  return parts.join('\n');
}
