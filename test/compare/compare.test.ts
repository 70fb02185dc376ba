import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMany, compareRuns } from '../../src/compare/compare.ts';
import { pairDeclared, pairModels, type SuitePairings } from '../../src/compare/pair.ts';
import type { SampleRecord } from '../../src/core/record.ts';
import type { HeadlinePairing } from '../../src/core/suite.ts';
import { loadRun, type LoadedRun } from '../../src/results/files.ts';
import { holm, mcnemarExact, mcnemarRegression } from '../../src/scoring/stats.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

let tmp: string;
let base: LoadedRun;
let worse: LoadedRun;
let other: LoadedRun;
const SUITES = ['scienceqa', 'pope', 'ocr', 'conversation', 'latency'];
/** What the fixture's suites declare: its records carry the headline `accuracy` per sample. */
const PAIRINGS: SuitePairings = new Map([
  ['scienceqa', [{ metric: 'accuracy', test: 'mcnemar', scores: ['accuracy'] }]],
  ['pope', [{ metric: 'accuracy', test: 'mcnemar', scores: ['accuracy'] }]],
  ['ocr', [{ metric: 'accuracy', test: 'bootstrap-mean', scores: ['accuracy'], clusterBy: 'imageId' }]],
  ['conversation', [{ metric: 'accuracy', test: 'bootstrap-mean', scores: ['accuracy'] }]],
]);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-compare-'));
  // Same seed = same item difficulties, so the runs differ only where accuracy moves the threshold.
  await writeRunFixture({ dir: path.join(tmp, 'base'), models: ['m'], suites: SUITES, samplesPerSuite: 200, accuracy: { m: 0.8 } });
  await writeRunFixture({ dir: path.join(tmp, 'worse'), models: ['m'], suites: SUITES, samplesPerSuite: 200, accuracy: { m: 0.6 } });
  await writeRunFixture({ dir: path.join(tmp, 'other'), models: ['onnx-fp16'], suites: SUITES, samplesPerSuite: 200, accuracy: { 'onnx-fp16': 0.8 } });
  const loaded = await Promise.all(['base', 'worse', 'other'].map((d) => loadRun(path.join(tmp, d))));
  [base, worse, other] = loaded as [LoadedRun, LoadedRun, LoadedRun];
}, 60_000);
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const rec = (sampleId: string, score: number | null, extra: Partial<SampleRecord> = {}): SampleRecord => ({
  key: sampleId, model: 'm', suite: 's', sampleId, repeat: 0, scores: score === null ? {} : { acc: score }, finishedAt: '', ...extra,
});

const ACC: HeadlinePairing = { metric: 'acc', test: 'mcnemar', scores: ['acc'] };

describe('pairDeclared', () => {
  it('pairs by sample id and repeat on the declared key, counting one-sided and unscored items', () => {
    const p = pairDeclared('s', ACC,
      [rec('a', 1), rec('b', 0), rec('c', 1), rec('d', 1, { error: { code: 'E_TIMEOUT', message: 't', retryable: true } })],
      [rec('b', 1), rec('a', 1), rec('d', 1), rec('e', 0)]);
    expect(p.items.map((i) => [i.sampleId, i.baseline, i.current])).toEqual([['a', 1, 1], ['b', 0, 1]]);
    expect(p).toMatchObject({ mode: 'paired', baselineOnly: 1, currentOnly: 1, unscored: 1, baselineErrors: 1, currentErrors: 0, binary: true });
  });

  it('keeps only the declared subset and collapses groups (CircularEval: 1 only when every item is 1)', () => {
    const meta = (m: Record<string, unknown>) => ({ meta: m });
    const b = [rec('a', 1, meta({ img: true, g: 'x' })), rec('b', 1, meta({ img: true, g: 'x' })), rec('c', 1, meta({ img: false, g: 'y' }))];
    const c = [rec('a', 1, meta({ img: true, g: 'x' })), rec('b', 0, meta({ img: true, g: 'x' })), rec('c', 0, meta({ img: false, g: 'y' }))];
    expect(pairDeclared('s', { ...ACC, where: { meta: 'img', equals: true } }, b, c).items.map((i) => i.sampleId)).toEqual(['a', 'b']);
    expect(pairDeclared('s', { ...ACC, groupBy: 'g' }, b, c).items.map((i) => [i.sampleId, i.baseline, i.current])).toEqual([['x', 1, 0], ['y', 1, 0]]);
  });

  it('falls back to a labelled unpaired comparison only when no sample id matches', () => {
    const p = pairDeclared('s', ACC, [rec('a', 1), rec('b', 1)], [rec('x', 0), rec('y', 1)]);
    expect(p.mode).toBe('unpaired');
    expect(p.note).toMatch(/no sample id is in both runs/);
    expect(pairDeclared('s', ACC, [rec('a', 1)], [rec('a', null)]).mode).toBe('none');
  });
});

describe('pairModels', () => {
  it('pairs same ids, or the single model of each run', () => {
    expect(pairModels(base, worse).map((p) => [p.baseline.model, p.current.model])).toEqual([['m', 'm']]);
    expect(pairModels(base, other).map((p) => [p.baseline.model, p.current.model])).toEqual([['m', 'onnx-fp16']]);
  });
});

describe('compareRuns', () => {
  const c = () => compareRuns(base, worse, { pairings: PAIRINGS, iterations: 500 });

  it('uses exact McNemar on right/wrong items with the discordant counts of the data', () => {
    const s = c().suites.find((x) => x.suite === 'scienceqa')!;
    const b = base.samples.filter((r) => r.suite === 'scienceqa');
    const w = new Map(worse.samples.filter((r) => r.suite === 'scienceqa').map((r) => [r.sampleId, r]));
    let nb = 0; let nc = 0;
    for (const r of b) {
      const o = w.get(r.sampleId)!;
      if (r.error || o.error) continue;
      if (r.scores.accuracy === 1 && o.scores.accuracy === 0) nb++;
      if (r.scores.accuracy === 0 && o.scores.accuracy === 1) nc++;
    }
    expect(nb).toBeGreaterThan(20);
    expect(s.paired).toMatchObject({ test: 'mcnemar', b: nb, c: nc });
    expect(s.paired.p).toBeCloseTo(mcnemarExact(nb, nc), 12);
    expect(s.paired.pRegression).toBeCloseTo(mcnemarRegression(nb, nc), 12);
    expect(s.verdict).toBe('worse');
    expect(s.worseCount).toBe(nb);
    expect(s.worse[0]).toMatchObject({ baseline: 1, current: 0 });
    expect(s.worse[0]!.question).toContain('Question');
  });

  it('uses the paired bootstrap for graded scores', () => {
    const s = c().suites.find((x) => x.suite === 'ocr')!;
    expect(s.binary).toBe(false);
    expect(s.paired.test).toBe('bootstrap-mean');
    expect(s.paired.delta!).toBeLessThan(0);
    expect(s.paired.ci![1]).toBeLessThan(0);
    expect(s.unitScale).toBe(true);
    expect(s.pairing.declaration?.clusterBy).toBe('imageId');
  });

  it('adjusts p-values with Holm across benchmarks', () => {
    const r = c();
    const tested = r.suites.filter((s) => s.paired.p !== null);
    expect(tested.map((s) => s.suite).sort()).toEqual(['conversation', 'ocr', 'pope', 'scienceqa']);
    const adj = holm(tested.map((s) => s.paired.p!));
    tested.forEach((s, i) => expect(s.paired.pHolm).toBeCloseTo(adj[i]!, 12));
    const lat = r.suites.find((s) => s.suite === 'latency')!;
    expect(lat).toMatchObject({ verdict: 'untested', paired: { test: 'none', p: null } });
    expect(lat.paired.note).toMatch(/no pairing declaration for suite 'latency'/);
    expect(lat.metrics.find((m) => m.key === 'ttft_p50')!.delta).toBe(0);
  });

  it('finds no difference between a run and itself', () => {
    const r = compareRuns(base, base, { pairings: PAIRINGS, iterations: 200 });
    for (const s of r.suites.filter((x) => x.paired.test !== 'none')) {
      expect(s.paired.delta).toBe(0);
      expect(s.verdict).toBe('same');
      expect(s.worseCount + s.betterCount).toBe(0);
    }
  });

  it('reports summary deltas for every metric, headline first', () => {
    const s = c().suites.find((x) => x.suite === 'pope')!;
    expect(s.metrics[0]!.headline).toBe(true);
    expect(s.metrics[0]!.delta).toBeCloseTo(s.metrics[0]!.current!.value! - s.metrics[0]!.baseline!.value!, 12);
  });

  it('compares every later run with the first', () => {
    const all = compareMany([base, worse, other], { pairings: PAIRINGS, iterations: 100 });
    expect(all.map((x) => [x.baseline.runId, x.current.runId])).toEqual([['base', 'worse'], ['base', 'other']]);
    expect(all[1]!.pairs).toEqual([{ baseline: 'm', current: 'onnx-fp16' }]);
  });
});
