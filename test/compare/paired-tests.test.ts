import { describe, expect, it } from 'vitest';
import { pairDeclared } from '../../src/compare/pair.ts';
import { mannWhitneyP, runDeclaredTest } from '../../src/compare/tests.ts';
import type { SampleRecord } from '../../src/core/record.ts';
import type { HeadlinePairing } from '../../src/core/suite.ts';
import { quantile } from '../../src/scoring/stats.ts';

const rec = (sampleId: string, scores: Record<string, number>, meta: Record<string, unknown> = {}): SampleRecord =>
  ({ key: sampleId, model: 'm', suite: 's', sampleId, repeat: 0, scores, meta, finishedAt: '' });
const opts = { iterations: 2000, seed: 0, better: 'higher' as const };

describe('declared paired tests', () => {
  it('Mann-Whitney U matches scipy (asymptotic, no continuity correction), with and without ties', () => {
    // scipy 1.17 mannwhitneyu(a, b, use_continuity=False, method='asymptotic').pvalue
    expect(mannWhitneyP([12.1, 15.3, 9.8, 11.0, 14.2, 13.7, 10.5], [16.2, 18.9, 15.1, 17.4, 14.8, 19.3])).toBeCloseTo(0.006641885476426627, 5);
    expect(mannWhitneyP([1, 2, 2, 3, 3, 3, 4, 5], [2, 3, 3, 4, 4, 5, 5, 6, 6])).toBeCloseTo(0.06198470469697164, 5);
  });

  it('McNemar: 5 right→wrong of 8, none back → one-sided 1/32, two-sided 1/16', () => {
    const d: HeadlinePairing = { metric: 'acc', test: 'mcnemar', scores: ['c'] };
    const base = Array.from({ length: 8 }, (_, i) => rec(`q${i}`, { c: 1 }));
    const cur = base.map((r, i) => rec(r.sampleId, { c: i < 5 ? 0 : 1 }));
    const r = runDeclaredTest(pairDeclared('s', d, base, cur), opts);
    expect(r).toMatchObject({ test: 'mcnemar', n: 8, b: 5, c: 0, p: 0.0625, pRegression: 0.03125, delta: -0.625 });
  });

  it('bootstrap-ratio works on the ratio of means, draws both scores of a sample together, and resamples whole clusters', () => {
    const d: HeadlinePairing = { metric: 'rel', test: 'bootstrap-ratio', scores: ['m', 'r'], clusterBy: 'image' };
    const base = Array.from({ length: 12 }, (_, i) => rec(`q${i}`, { m: 8, r: [10, 5, 8][i % 3]! }, { image: `img${i % 4}` }));
    const cur = base.map((b, i) => rec(b.sampleId, { m: i % 4 === 0 ? 4 : 8, r: b.scores.r! }, b.meta));
    const r = runDeclaredTest(pairDeclared('s', d, base, cur), opts);
    const ratio = (xs: SampleRecord[]) => xs.reduce((a, x) => a + x.scores.m!, 0) / xs.reduce((a, x) => a + x.scores.r!, 0);
    expect(r.baselineMean).toBeCloseTo(ratio(base), 12);
    expect(r.currentMean).toBeCloseTo(ratio(cur), 12);
    expect(r.delta).toBeCloseTo(ratio(cur) - ratio(base), 12);
    expect(r.ci![0]).toBeLessThan(r.delta!);
    expect(r.ci![1]).toBeLessThanOrEqual(0);
    // Same seed, same answer; another seed draws other resamples.
    expect(runDeclaredTest(pairDeclared('s', d, base, cur), opts)).toEqual(r);
    expect(runDeclaredTest(pairDeclared('s', d, base, cur), { ...opts, seed: 1 }).pRegression).not.toBe(r.pRegression);
    // One image of four drives the drop: a resample of 4 images misses it with probability (3/4)^4 ≈ 0.316,
    // and only those draws show no drop.
    expect(r.pRegression!).toBeGreaterThan(0.28);
    expect(r.pRegression!).toBeLessThan(0.36);
    const flat = runDeclaredTest(pairDeclared('s', { ...d, clusterBy: undefined }, base, cur), opts);
    expect(flat.ci![1] - flat.ci![0]).toBeLessThan(r.ci![1] - r.ci![0]);
  });

  it('a run against itself: Δ 0 and p 1 for every paired test', () => {
    const base = Array.from({ length: 6 }, (_, i) => rec(`q${i}`, { v: i / 6, w: 1 + i }));
    for (const d of [{ metric: 'a', test: 'bootstrap-mean', scores: ['v'] }, { metric: 'b', test: 'bootstrap-ratio', scores: ['v', 'w'] }] as HeadlinePairing[]) {
      const r = runDeclaredTest(pairDeclared('s', d, base, base), opts);
      expect(r).toMatchObject({ delta: 0, p: 1, pRegression: 1, n: 6 });
    }
  });

  it('distributions: the declared percentile on each side, lower-is-better direction, and only on the same hardware', () => {
    const d: HeadlinePairing = { metric: 'ttft_p90', test: 'distribution', scores: ['ttft_ms'], where: { meta: 'kind', equals: 'request' }, statistic: 0.9 };
    const base = Array.from({ length: 40 }, (_, i) => rec(`r${i}`, { ttft_ms: 50 + (i % 10) }, { kind: 'request' }));
    const cur = Array.from({ length: 40 }, (_, i) => rec(`r${i}`, { ttft_ms: 80 + (i % 10) }, { kind: 'request' }));
    const point = rec('point', {}, { kind: 'load-point' });
    const ps = pairDeclared('s', d, [...base, point], [...cur, point], { sameHardware: true });
    const r = runDeclaredTest(ps, { ...opts, better: 'lower' });
    const q90 = (xs: SampleRecord[]) => quantile(xs.map((x) => x.scores.ttft_ms!).sort((a, b) => a - b), 0.9);
    expect(r).toMatchObject({ test: 'distribution', mode: 'distribution', nBaseline: 40, nCurrent: 40 });
    expect(r.delta).toBeCloseTo(q90(cur) - q90(base), 12);
    expect(r.pRegression).toBeCloseTo(1 / 2001, 12);
    expect(r.pMannWhitney!).toBeLessThan(1e-6);
    const other = runDeclaredTest(pairDeclared('s', d, base, cur, { sameHardware: false }), { ...opts, better: 'lower' });
    expect(other).toMatchObject({ test: 'none', p: null });
    expect(other.note).toMatch(/hardware/);
  });

  it('unpaired fallback (no sample id in common) is labelled and still tests the declared statistic', () => {
    const d: HeadlinePairing = { metric: 'acc', test: 'mcnemar', scores: ['c'] };
    const base = Array.from({ length: 30 }, (_, i) => rec(`a${i}`, { c: 1 }));
    const cur = Array.from({ length: 30 }, (_, i) => rec(`b${i}`, { c: i < 20 ? 0 : 1 }));
    const r = runDeclaredTest(pairDeclared('s', d, base, cur), opts);
    expect(r).toMatchObject({ mode: 'unpaired', test: 'mcnemar', nBaseline: 30, nCurrent: 30 });
    expect(r.delta).toBeCloseTo(-20 / 30, 12);
    expect(r.pRegression).toBeCloseTo(1 / 2001, 12);
  });
});
