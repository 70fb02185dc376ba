import { escapeHtml as e, fmt } from './escape.ts';
import { cdfPoints, cdfSpec, latencySets, PERCENTILES, percentileRows, throughputPoints, throughputSpec, type LatencySet, type ThroughputPoint } from './latency.ts';
import { chartHtml } from './page.ts';
import { renderChart, type RenderedChart } from './render.ts';
import type { ModelSeries } from './series.ts';

/** The percentiles the per-model table shows as columns (p95 stays in the per-suite details). */
const SHOWN = [50, 90, 99] as const;
const METRICS = [['TTFT', 'TTFT'], ['TPOT', 'TPOT'], ['end-to-end', 'E2E'], ['inter-token (chunk gap)', 'chunk gap']] as const;

/** One row per model (× perf suite): TTFT, TPOT, end-to-end and chunk gaps with p50/p90/p99 as columns. */
export function latencyTable(sets: readonly LatencySet[]): string {
  const rows = percentileRows(sets);
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.map((r) => `${r.series}\u0000${r.suite}`))];
  const idx = SHOWN.map((p) => PERCENTILES.indexOf(p));
  const body = keys.map((k) => {
    const [series, suite] = k.split('\u0000') as [string, string];
    const mine = rows.filter((r) => r.series === series && r.suite === suite);
    const n = mine.find((r) => r.metric === 'TTFT')?.n ?? mine[0]?.n ?? 0;
    const cells = METRICS.flatMap(([metric]) => {
      const r = mine.find((x) => x.metric === metric);
      return idx.map((i, j) => `<td${j === 0 ? ' class="sep"' : ''}>${r ? fmt(r.values[i], 1) : '—'}</td>`);
    });
    return `<tr><th class="name">${e(series)}</th><td>${e(suite)}</td><td>${n}</td>${cells.join('')}</tr>`;
  }).join('');
  const head = `<tr><th rowspan="2">model</th><th rowspan="2">suite</th><th rowspan="2">requests</th>${METRICS.map(([, t]) => `<th colspan="${SHOWN.length}" class="sep">${t} (ms)</th>`).join('')}</tr>` +
    `<tr>${METRICS.map(() => SHOWN.map((p, j) => `<th${j === 0 ? ' class="sep"' : ''}>p${p}</th>`).join('')).join('')}</tr>`;
  return `<table class="grid latency"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** Every load point, valid or not, with its reason: the chart's numbers as a table. */
export function loadPointTable(points: readonly ThroughputPoint[]): string {
  if (points.length === 0) return '';
  const rows = points.map((p) => `<tr${p.valid ? '' : ' class="invalid-row"'}><th class="name">${e(p.series)}</th><td>${p.concurrency}</td><td>${p.n}</td>` +
    `<td>${fmt(p.tokPerS, 1)}</td><td>${fmt(p.reqPerS, 2)}</td><td>${p.valid ? 'valid' : '<span class="warn">invalid</span>'}</td><td class="reason">${e(p.reason)}</td></tr>`).join('');
  return '<table class="grid loads"><thead><tr><th>model · suite</th><th>concurrency</th><th>requests</th><th>tok/s</th><th>req/s</th><th>status</th><th>reason</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`;
}

/**
 * CDFs use the single-stream latency suite when a series has one (latency under load is the
 * throughput suite's business), labelled by model alone.
 */
function cdfSets(sets: readonly LatencySet[]): Array<{ label: string; set: LatencySet }> {
  const single = new Set(sets.filter((s) => s.suite === 'latency').map((s) => s.series));
  return sets.filter((s) => !single.has(s.series) || s.suite === 'latency')
    .map((set) => ({ label: single.has(set.series) ? set.series : `${set.series} · ${set.suite}`, set }));
}

export async function latencySection(series: readonly ModelSeries[], png: boolean): Promise<string> {
  const sets = latencySets(series);
  if (sets.length === 0) return '';
  const pending: Array<Promise<RenderedChart>> = [];
  const chosen = cdfSets(sets);
  const ttft = chosen.flatMap(({ label, set }) => cdfPoints(set.ttft).map((p) => ({ series: label, ...p })));
  if (ttft.length) pending.push(renderChart('ttft-cdf', 'TTFT CDF', cdfSpec('Time to first token (CDF)', ttft), { png }));
  const itl = chosen.flatMap(({ label, set }) => cdfPoints(set.itl).map((p) => ({ series: label, ...p })));
  if (itl.length) pending.push(renderChart('itl-cdf', 'Inter-token latency CDF', cdfSpec('Inter-token latency, chunk gaps (CDF)', itl, 'fraction of gaps'), { png }));
  const loadTables = new Map(series.flatMap((s) => s.run.summary.results
    .filter((r) => r.model === s.model && r.tables?.loadPoints)
    .map((r) => [`${s.name}\u0000${r.suite}`, r.tables!.loadPoints] as const)));
  const raw = throughputPoints(sets, loadTables);
  // One throughput suite per model (the usual case): the legend names the model alone.
  const bySeries = new Map<string, Set<string>>();
  for (const s of sets) if (raw.some((p) => p.series === `${s.series} · ${s.suite}`)) bySeries.set(s.series, (bySeries.get(s.series) ?? new Set()).add(s.suite));
  const short = [...bySeries.values()].every((x) => x.size === 1);
  const tp = short ? raw.map((p) => ({ ...p, series: p.series.replace(/ · [^·]+$/, '') })) : raw;
  if (tp.length) pending.push(renderChart('throughput', 'Throughput vs concurrency', throughputSpec(tp), { png }));
  const charts = await Promise.all(pending);
  const invalid = tp.filter((p) => !p.valid).length;
  return `${latencyTable(sets)}<div class="charts">${charts.map(chartHtml).join('')}</div>` +
    (tp.length ? `<h3>Load points</h3>${invalid ? `<p class="small">${invalid} of ${tp.length} load points were marked invalid by the suite: hollow in the chart, reason below.</p>` : ''}${loadPointTable(tp)}` : '');
}
