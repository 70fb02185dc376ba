import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VlmbenchError } from '../../src/core/errors.ts';
import { defineSuite, type HeadlinePairing, type QualitySuite } from '../../src/core/suite.ts';

function suiteWith(pairing: readonly HeadlinePairing[]): QualitySuite<unknown, unknown> {
  return {
    kind: 'quality', name: 'probe', description: 'probe', optionsSchema: z.unknown(),
    load: async () => [], toRequest: () => ({ messages: [], params: {} }), score: () => ({ scores: {} }),
    aggregate: () => ({ n: 0, errors: 0, metrics: {} }),
    metrics: { acc: { better: 'higher' }, rel: { better: 'higher' } },
    pairing,
  };
}

const error = (fn: () => unknown): VlmbenchError => {
  try { fn(); } catch (err) { return err as VlmbenchError; }
  throw new Error('expected defineSuite to throw');
};

describe('defineSuite pairing declaration', () => {
  it('accepts a suite that declares how its metrics pair', () => {
    const s = defineSuite(suiteWith([{ metric: 'acc', test: 'mcnemar', scores: ['correct'] }, { metric: 'rel', test: 'bootstrap-ratio', scores: ['m', 'r'], clusterBy: 'image' }]));
    expect(s.pairing).toHaveLength(2);
  });

  it('rejects a suite that declares nothing pairable, with a typed error naming the suite', () => {
    const e = error(() => defineSuite(suiteWith([])));
    expect(e).toBeInstanceOf(VlmbenchError);
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/suite 'probe'.*no pairing/);
    const missing = error(() => defineSuite({ ...suiteWith([]), pairing: undefined as never }));
    expect(missing.message).toMatch(/no pairing/);
  });

  it('rejects a pairing for a metric the suite does not have, listing the real ones', () => {
    const e = error(() => defineSuite(suiteWith([{ metric: 'img_accuracy', test: 'mcnemar', scores: ['correct'] }])));
    expect(e.message).toContain("'img_accuracy'");
    expect(e.message).toContain('acc, rel');
  });

  it('rejects a ratio without [numerator, denominator] and a mean with two keys', () => {
    expect(error(() => defineSuite(suiteWith([{ metric: 'rel', test: 'bootstrap-ratio', scores: ['m'] }]))).message).toMatch(/numerator, denominator/);
    expect(error(() => defineSuite(suiteWith([{ metric: 'acc', test: 'bootstrap-mean', scores: ['a', 'b'] }]))).message).toMatch(/one per-sample score key/);
    expect(error(() => defineSuite(suiteWith([{ metric: 'acc', test: 'mcnemar', scores: ['a'], statistic: 0.5 }]))).message).toMatch(/distribution test only/);
  });
});
