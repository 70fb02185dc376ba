import { describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord } from '../../src/core/record.ts';
import { cdfPoints, latencySets, percentile, percentileRows, throughputPoints } from '../../src/report/latency.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { modelSeries } from '../../src/report/series.ts';

function req(i: number, load: string, chunkMs: number[], startedAt: number, extra: Partial<SampleRecord> = {}): SampleRecord {
  return {
    key: `k${i}`, model: 'm', suite: 'throughput', sampleId: `${load}-${i}`, repeat: 0, scores: {}, finishedAt: '',
    usage: { promptTokens: 10, completionTokens: chunkMs.length, source: 'backend' },
    timings: { startedAt, firstTokenMs: chunkMs[0], chunkMs, chunkTokens: chunkMs.map(() => 1), endMs: chunkMs[chunkMs.length - 1]! },
    meta: { kind: 'request', load }, ...extra,
  };
}

function run(samples: SampleRecord[], tables?: Record<string, unknown>): LoadedRun {
  const summary: RunSummary = {
    runId: 'r', createdAt: '', configHash: '',
    results: [{ model: 'm', suite: 'throughput', n: samples.length, errors: 0, headline: 'peak_output_throughput', metrics: { peak_output_throughput: { value: 1, n: 1, better: 'higher', unit: 'tok/s' } }, tables }],
  };
  return { dir: '/nowhere', manifest: { models: [{ id: 'm' }] } as unknown as RunManifest, summary, samples };
}

describe('percentile', () => {
  it('interpolates like numpy (type 7)', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('latency sets', () => {
  const samples = [
    req(0, 'c1', [100, 110, 130], 0), req(1, 'c1', [200, 220], 1000),
    req(2, 'c2', [150, 160, 170, 180], 0), req(3, 'c2', [300, 330], 0),
    req(4, 'c2', [1, 2], 0, { error: { code: 'E_TIMEOUT', message: 't', retryable: true } }),
  ];
  const sets = latencySets(modelSeries([run(samples)]));

  it('collects TTFT, chunk gaps, TPOT and E2E from successful requests only', () => {
    expect(sets).toHaveLength(1);
    expect(sets[0]!.ttft).toEqual([100, 150, 200, 300]);
    expect(sets[0]!.itl).toEqual([10, 10, 10, 10, 20, 20, 30]);
    expect(sets[0]!.tpot).toEqual([10, 15, 20, 30]); // (end − ttft) / (tokens − 1) per request
    const rows = percentileRows(sets);
    expect(rows.map((r) => r.metric)).toEqual(['TTFT', 'inter-token (chunk gap)', 'TPOT', 'end-to-end']);
    expect(rows[0]!.values[0]).toBe(175);
  });

  it('derives throughput per concurrency from load labels when no table exists', () => {
    const pts = throughputPoints(sets);
    expect(pts.map((p) => p.concurrency)).toEqual([1, 2]);
    // c1: 5 tokens over [0, 1220] ms
    expect(pts[0]!.tokPerS).toBeCloseTo(5 / 1.22, 6);
    expect(pts[1]).toMatchObject({ n: 2, reqPerS: expect.closeTo(2 / 0.33, 6) });
  });

  it('prefers the throughput suite\'s loadPoints table', () => {
    const table = [
      { load: 'c1', mode: 'concurrency', target_concurrency: 1, output_throughput: 40, request_throughput: 1, completed: 8, valid: true },
      { load: 'c4', mode: 'concurrency', target_concurrency: 4, output_throughput: 120, request_throughput: 3, completed: 32, valid: true },
      { load: 'c8', mode: 'concurrency', target_concurrency: 8, output_throughput: 10, request_throughput: 3, completed: 32, valid: false },
    ];
    const series = modelSeries([run(samples, { loadPoints: table })]);
    const pts = throughputPoints(latencySets(series), new Map([['m\u0000throughput', table]]));
    // every measured load point is kept; the invalid one carries its flag (drawn hollow, listed with its reason)
    expect(pts.map((p) => [p.concurrency, p.tokPerS, p.valid])).toEqual([[1, 40, true], [4, 120, true], [8, 10, false]]);
    expect(pts[2]!.reason).toBe('marked invalid by the suite');
  });
});

describe('cdfPoints', () => {
  it('thins long series but keeps the ends', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const pts = cdfPoints(xs, 200);
    expect(pts.length).toBeLessThanOrEqual(201);
    expect(pts[0]).toEqual({ ms: 0, p: 1 / 10_000 });
    expect(pts[pts.length - 1]).toEqual({ ms: 9999, p: 1 });
  });
});
