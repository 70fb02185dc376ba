import { describe, expect, it } from 'vitest';
import type { RunSummary, SuiteSummary } from '../../src/core/record.ts';
import { mergeIdentical, type RadarSeries } from '../../src/report/radar/data.ts';
import { bestRows, buildPivot, pivotHtml } from '../../src/report/pivot.ts';
import { modelSeries } from '../../src/report/series.ts';
import { display, displayText } from '../../src/report/units.ts';
import { pairVerdicts } from '../../src/report/verdict.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';

const acc = (model: string, suite: string, value: number, ci: [number, number], n = 100, errors = 0): SuiteSummary => ({
  model, suite, n: n + errors, errors, headline: 'accuracy', metrics: { accuracy: { value, ci, n, better: 'higher' } },
});
const perf = (model: string, suite: string, headline: string, value: number | null, unit: string, notes: string[] = []): SuiteSummary => ({
  model, suite, n: 8, errors: 0, headline, metrics: { [headline]: { value, n: value === null ? 0 : 8, better: unit === 'ms' ? 'lower' : 'higher', unit } }, notes,
});
const run = (id: string, results: SuiteSummary[]): LoadedRun => ({
  dir: `/r/${id}`, samples: [], manifest: { models: [...new Set(results.map((r) => r.model))].map((m) => ({ id: m })) } as unknown as RunManifest,
  summary: { runId: id, createdAt: '', configHash: '', results } satisfies RunSummary,
});

describe('unit convention', () => {
  it('shows fractions as percent with one decimal, keeps declared units, MME on its own scale', () => {
    expect(displayText({ value: 0.8595, ci: [0.84, 0.88], n: 9000 })).toBe('86.0 % [84.0, 88.0]');
    expect(displayText({ value: 114.2857, ci: [100, 120], n: 3, unit: '%' })).toBe('114.3 % [100.0, 120.0]');
    expect(display({ value: 1510.72, n: 2374 }, 'MME').text).toBe('1510.7');
    expect(displayText({ value: 41.57, n: 8, unit: 'ms' })).toBe('41.6 ms');
    expect(displayText({ value: 322.88, n: 40, unit: 'tok/s' })).toBe('322.9 tok/s');
  });
});

describe('pivot', () => {
  const r = run('a', [
    acc('m1', 'scienceqa', 0.70, [0.65, 0.75]), acc('m1', 'pope', 0.85, [0.83, 0.87], 100, 3),
    acc('m2', 'scienceqa', 0.60, [0.55, 0.65]), acc('m2', 'pope', 0.85, [0.83, 0.87]),
    perf('m1', 'latency', 'ttft_p50', 40, 'ms'), perf('m2', 'latency', 'ttft_p50', 30, 'ms'),
    perf('m1', 'throughput', 'peak_output_throughput', null, 'tok/s', ['c1 INVALID: client event-loop delay p99 17.6 ms > 5 ms']),
    perf('m2', 'throughput', 'peak_output_throughput', 300, 'tok/s'),
  ]);
  const p = buildPivot(modelSeries([r]));

  it('has benchmarks in the radar order, then speed columns; cells carry interval, n and errors', () => {
    expect(p.columns.map((c) => c.title)).toEqual(['SQA-IMG', 'POPE', 'TTFT p50', 'peak tok/s']);
    const [sqa, pope, ttft, tput] = p.rows[0]!.cells;
    expect(sqa).toMatchObject({ text: '70.0', title: '70.0 · 95% CI [65.0, 75.0] · n 100' });
    expect(sqa!.ci![0]).toBeCloseTo(65);
    expect(pope).toMatchObject({ text: '85.0', flag: '3 err / 103' });
    expect(ttft).toMatchObject({ text: '40.0', value: 40 });
    expect(tput).toMatchObject({ text: 'invalid', invalid: 'c1 INVALID: client event-loop delay p99 17.6 ms > 5 ms' });
  });

  it('marks the best per column (lower is better for latency) and nothing where every row ties', () => {
    const best = bestRows(p).map((s) => [...s]);
    expect(best).toEqual([[0], [], [1], []]); // POPE ties; throughput has one value only
    const html = pivotHtml(p);
    expect(html).toContain('<td class="best" title="70.0 · 95% CI [65.0, 75.0] · n 100">70.0</td>');
    expect(html).toContain('<td class="sep best" title="30.0 ms · n 8">30.0</td>');
  });

  it('says per compared pair where the later run is clearly better or worse (intervals apart)', () => {
    const b = run('b', [
      acc('m1', 'scienceqa', 0.80, [0.76, 0.84]), acc('m1', 'pope', 0.86, [0.84, 0.88]),
      perf('m1', 'latency', 'ttft_p50', 60, 'ms'),
    ]);
    const series = modelSeries([r, b]);
    const v = pairVerdicts(series, buildPivot(series));
    expect(v).toHaveLength(1);
    expect(v[0]!.text).toBe('m1 · b vs m1 · a: better on SQA-IMG +10.0; worse on TTFT p50 +20.0; no clear difference on POPE');
  });
});

describe('identical radar series', () => {
  it('are drawn once under a combined legend entry; distinct ones stay', () => {
    const s = (name: string, v: number): RadarSeries => ({ name, kind: 'measured', values: { A: v, B: 1, C: 2 } });
    const m = mergeIdentical([s('a', 1), s('b', 1), s('c', 1), s('d', 1), s('e', 2)], ['A', 'B', 'C']);
    expect(m.series.map((x) => x.name)).toEqual(['4 models, identical', 'e']);
    expect(m.merged.get('4 models, identical')).toEqual(['a', 'b', 'c', 'd']);
    expect(mergeIdentical([s('a', 1), s('b', 1)], ['A', 'B', 'C']).series.map((x) => x.name)).toEqual(['a, b (identical)']);
  });
});
