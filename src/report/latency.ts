import type { TopLevelSpec } from 'vega-lite';
import type { SampleRecord } from '../core/record.ts';
import { CHART_FONT, SERIES_COLORS } from './radar/spec.ts';
import { isPerfSummary, type ModelSeries } from './series.ts';

/** Per-request latency values of one model series on one suite (vLLM `benchmarks/benchmark_serving.py` `calculate_metrics` definitions). */
export interface LatencySet {
  series: string;
  suite: string;
  ttft: number[];
  e2e: number[];
  /** Chunk gaps, pooled over requests ("ITL" in vLLM terms). */
  itl: number[];
  tpot: number[];
  records: SampleRecord[];
}

/** numpy-default (type 7) percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

const asc = (xs: number[]) => xs.sort((a, b) => a - b);

/** Latency sets for the suites that measure speed (latency/throughput or a lower-is-better headline). */
export function latencySets(series: readonly ModelSeries[]): LatencySet[] {
  const out: LatencySet[] = [];
  for (const s of series) {
    const perfSuites = new Set(s.run.summary.results.filter((r) => r.model === s.model && isPerfSummary(r)).map((r) => r.suite));
    for (const suite of perfSuites) {
      const records = s.run.samples.filter((r) => r.model === s.model && r.suite === suite && !r.error && r.timings);
      const set: LatencySet = { series: s.name, suite, ttft: [], e2e: [], itl: [], tpot: [], records };
      for (const r of records) {
        const t = r.timings!;
        if (typeof t.firstTokenMs === 'number') set.ttft.push(t.firstTokenMs);
        set.e2e.push(t.endMs);
        for (let k = 1; k < t.chunkMs.length; k++) set.itl.push(t.chunkMs[k]! - t.chunkMs[k - 1]!);
        const nOut = r.usage?.completionTokens ?? 0;
        if (typeof t.firstTokenMs === 'number' && nOut > 1) set.tpot.push((t.endMs - t.firstTokenMs) / (nOut - 1));
      }
      asc(set.ttft); asc(set.e2e); asc(set.itl); asc(set.tpot);
      out.push(set);
    }
  }
  return out;
}

export const PERCENTILES = [50, 90, 95, 99] as const;

export interface PercentileRow { series: string; suite: string; metric: string; n: number; values: Array<number | null>; mean: number | null }

export function percentileRows(sets: readonly LatencySet[]): PercentileRow[] {
  return sets.flatMap((s) => ([['TTFT', s.ttft], ['inter-token (chunk gap)', s.itl], ['TPOT', s.tpot], ['end-to-end', s.e2e]] as const)
    .filter(([, xs]) => xs.length > 0)
    .map(([metric, xs]) => ({
      series: s.series, suite: s.suite, metric, n: xs.length,
      values: PERCENTILES.map((p) => percentile(xs, p)),
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    })));
}

/** Empirical CDF points, thinned to at most `max` per series (the page stays small with 10k samples). */
export function cdfPoints(sorted: readonly number[], max = 200): Array<{ ms: number; p: number }> {
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.ceil(sorted.length / max));
  const pts: Array<{ ms: number; p: number }> = [];
  for (let i = 0; i < sorted.length; i += step) pts.push({ ms: sorted[i]!, p: (i + 1) / sorted.length });
  if (pts[pts.length - 1]!.p !== 1) pts.push({ ms: sorted[sorted.length - 1]!, p: 1 });
  return pts;
}

export interface ThroughputPoint {
  series: string; concurrency: number; tokPerS: number; reqPerS: number; n: number;
  /** False when the suite marked the load point invalid; drawn hollow, never dropped. */
  valid: boolean;
  reason: string;
}

/** Concurrency of a request record: meta.concurrency, or the throughput suite's load label 'c4'. */
function concurrencyOf(r: SampleRecord): number | undefined {
  const meta = r.meta as { concurrency?: unknown; load?: unknown } | undefined;
  const c = Number(meta?.concurrency);
  if (Number.isFinite(c) && c > 0) return c;
  const m = typeof meta?.load === 'string' ? /^c(\d+)$/.exec(meta.load) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Output tokens/s and requests/s per concurrency level. Preferred source: the throughput suite's
 * `loadPoints` table (its own window and warm-up handling); otherwise from the samples: window
 * D = max end − min start (AIPerf definition), throughput = Σ tokens / D.
 */
export function throughputPoints(sets: readonly LatencySet[], tables: ReadonlyMap<string, unknown> = new Map()): ThroughputPoint[] {
  const out: ThroughputPoint[] = [];
  for (const s of sets) {
    const name = `${s.series} · ${s.suite}`;
    const rows = tables.get(`${s.series}\u0000${s.suite}`);
    if (Array.isArray(rows)) {
      const pts = rows.flatMap((row: Record<string, unknown>) => {
        const c = Number(row.target_concurrency);
        if (row.mode !== 'concurrency' || !Number.isFinite(c)) return [];
        const reasons = Array.isArray(row.invalid_reasons) ? row.invalid_reasons.map(String) : [];
        return [{
          series: name, concurrency: c, tokPerS: Number(row.output_throughput) || 0, reqPerS: Number(row.request_throughput) || 0, n: Number(row.completed) || 0,
          valid: row.valid !== false, reason: row.valid === false ? reasons.join('; ') || 'marked invalid by the suite' : '',
        }];
      });
      if (pts.length >= 2) { out.push(...pts); continue; }
    }
    const byC = new Map<number, SampleRecord[]>();
    for (const r of s.records) {
      const c = concurrencyOf(r);
      if (c === undefined) continue;
      const list = byC.get(c);
      if (list) list.push(r); else byC.set(c, [r]);
    }
    if (byC.size < 2) continue;
    for (const [c, recs] of [...byC].sort((a, b) => a[0] - b[0])) {
      const start = Math.min(...recs.map((r) => r.timings!.startedAt));
      const end = Math.max(...recs.map((r) => r.timings!.startedAt + r.timings!.endMs));
      const dur = Math.max(1e-9, (end - start) / 1000);
      const tokens = recs.reduce((a, r) => a + (r.usage?.completionTokens ?? r.timings!.chunkTokens.reduce((x, y) => x + y, 0)), 0);
      out.push({ series: name, concurrency: c, tokPerS: tokens / dur, reqPerS: recs.length / dur, n: recs.length, valid: true, reason: '' });
    }
  }
  return out;
}

/** Charts share the radar's footprint; legends sit below in two columns so long names never widen them. */
export const CHART_SIZE = { width: 440, height: 260 } as const;

function colorScale(names: string[]) {
  return {
    field: 'series', type: 'nominal', scale: { domain: names, range: names.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]!) },
    legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: Math.min(2, names.length), labelLimit: 210, labelFontSize: 11, symbolType: 'stroke' },
  } as const;
}

export function cdfSpec(title: string, rows: Array<{ series: string; ms: number; p: number }>, yTitle = 'fraction of requests'): TopLevelSpec {
  const names = [...new Set(rows.map((r) => r.series))];
  return {
    title, ...CHART_SIZE, config: { font: CHART_FONT, background: 'white' },
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'milliseconds', scale: { zero: false } },
      y: { field: 'p', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] } },
      color: colorScale(names),
    },
  } as unknown as TopLevelSpec;
}

/**
 * Throughput per load point on a categorical concurrency axis holding exactly the measured loads.
 * Invalid points are drawn hollow (the line still passes through them) with the reason in the tooltip.
 */
export function throughputSpec(points: readonly ThroughputPoint[]): TopLevelSpec {
  const names = [...new Set(points.map((p) => p.series))];
  const loads = [...new Set(points.map((p) => p.concurrency))].sort((a, b) => a - b);
  const values = points.map((p) => ({ ...p, status: p.valid ? 'valid' : 'INVALID', reason: p.reason || '—' }));
  const x = { field: 'concurrency', type: 'ordinal', title: 'concurrent requests', scale: { domain: loads }, axis: { labelAngle: 0 } };
  const y = { field: 'tokPerS', type: 'quantitative', title: 'output tokens / s' };
  const tooltip = [{ field: 'series' }, { field: 'concurrency' }, { field: 'tokPerS', title: 'tok/s', format: '.1f' }, { field: 'reqPerS', title: 'req/s', format: '.2f' }, { field: 'status' }, { field: 'reason' }];
  const noLegend = { field: 'series', type: 'nominal', legend: null };
  return {
    title: 'Output throughput vs concurrency', ...CHART_SIZE, config: { font: CHART_FONT, background: 'white' },
    data: { values },
    encoding: { x, y },
    // A layer whose filter keeps nothing makes vega log an empty-extent warning: add only layers with points.
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { color: colorScale(names) } },
      ...(points.some((p) => p.valid) ? [{ transform: [{ filter: 'datum.valid' }], mark: { type: 'point', filled: true, size: 60 }, encoding: { color: noLegend, tooltip } }] : []),
      ...(points.some((p) => !p.valid) ? [{ transform: [{ filter: '!datum.valid' }], mark: { type: 'point', filled: false, fill: 'white', strokeWidth: 2, size: 70 }, encoding: { color: noLegend, tooltip } }] : []),
    ],
  } as unknown as TopLevelSpec;
}
