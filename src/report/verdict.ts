import { escapeHtml as e } from './escape.ts';
import type { Pivot } from './pivot.ts';
import type { ModelSeries } from './series.ts';
import { fmtNumber } from './units.ts';

/**
 * One line per compared pair for reports over several runs: the same model id in a later run against
 * its first run (or, with exactly two series and no shared id, the second against the first). A
 * difference counts as clear only when the two 95% intervals do not overlap (a conservative screen; the
 * compare page has the paired tests); otherwise it is noise.
 */
export interface PairVerdict { baseline: string; current: string; better: string[]; worse: string[]; unclear: string[]; text: string }

function pairs(series: readonly ModelSeries[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const firstOf = new Map<string, number>();
  series.forEach((s, i) => {
    const f = firstOf.get(s.model);
    if (f === undefined) firstOf.set(s.model, i);
    else if (series[f]!.run !== s.run) out.push([f, i]);
  });
  if (out.length === 0 && series.length === 2 && series[0]!.run !== series[1]!.run) out.push([0, 1]);
  return out;
}

export function pairVerdicts(series: readonly ModelSeries[], pivot: Pivot): PairVerdict[] {
  return pairs(series).map(([b, c]) => {
    const better: string[] = [], worse: string[] = [], unclear: string[] = [];
    pivot.columns.forEach((col, ci) => {
      const x = pivot.rows[b]!.cells[ci]!, y = pivot.rows[c]!.cells[ci]!;
      if (x.value === null || y.value === null) return;
      const d = y.value - x.value;
      const ix = x.ci, iy = y.ci;
      // Without intervals (latency, throughput) only a change of 5% or more counts: timing noise is larger than that.
      const clear = ix && iy ? (iy[0] > ix[1] || iy[1] < ix[0]) : Math.abs(d) >= 0.05 * Math.max(Math.abs(x.value), Math.abs(y.value));
      const label = `${col.title} ${d >= 0 ? '+' : '−'}${fmtNumber(Math.abs(d), col.kind)}`;
      if (!clear || d === 0) unclear.push(col.title);
      else if ((d > 0) === (col.better === 'higher')) better.push(label);
      else worse.push(label);
    });
    const base = series[b]!.name, cur = series[c]!.name;
    const parts = [
      better.length ? `better on ${better.join(', ')}` : '',
      worse.length ? `worse on ${worse.join(', ')}` : '',
      unclear.length ? `no clear difference on ${unclear.length === 1 ? unclear[0] : `${unclear.length} benchmarks`}` : '',
    ].filter(Boolean);
    const text = `${cur} vs ${base}: ${better.length || worse.length ? parts.join('; ') : 'no clear difference'}`;
    return { baseline: base, current: cur, better, worse, unclear, text };
  });
}

export function verdictHtml(vs: readonly PairVerdict[]): string {
  if (vs.length === 0) return '';
  const cls = (v: PairVerdict) => (v.worse.length && !v.better.length ? 'bad' : v.better.length && !v.worse.length ? 'good' : '');
  return `<ul class="verdicts">${vs.map((v) => `<li class="${cls(v)}">${e(v.text)}</li>`).join('')}</ul>`;
}
