import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../src/perf/percentile.ts';

interface Golden {
  numpy: string;
  cases: { values: number[]; mean: number; std: number; percentiles: Record<string, number> }[];
}
// Produced by scripts/golden/percentile.py with Debian python3-numpy; regenerate with /usr/bin/python3.
const golden = JSON.parse(readFileSync(new URL('./golden/percentile.json', import.meta.url), 'utf8')) as Golden;

describe('percentile equals np.percentile (linear) bit for bit', () => {
  it.each(golden.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    for (const [p, want] of Object.entries(c.percentiles)) {
      expect(percentile(c.values, Number(p)), `p=${p}`).toBe(want);
    }
  });
});

describe('summarize', () => {
  // Mean/std: numpy sums pairwise, so compare with a tolerance, on arrays without catastrophic cancellation.
  const wellConditioned = golden.cases.filter((c) => c.values.every((v) => Math.abs(v) < 1e10));
  it.each(wellConditioned.map((c, i) => [i, c] as const))('mean/std match numpy, case %i', (_i, c) => {
    const s = summarize(c.values)!;
    expect(Math.abs(s.mean - c.mean)).toBeLessThanOrEqual(1e-9 * Math.max(1e-12, Math.abs(c.mean)));
    expect(Math.abs(s.std - c.std)).toBeLessThanOrEqual(1e-9 * Math.max(1e-12, Math.abs(c.std)));
    expect(s.p99).toBe(c.percentiles['99.0']);
    expect(s.n).toBe(c.values.length);
  });
  it('reports nothing rather than zeros for an empty list', () => {
    expect(summarize([])).toBeNull();
    expect(percentile([], 50)).toBeNaN();
  });
  it('does not depend on input order and leaves the input untouched', () => {
    const xs = [9, 1, 5, 3];
    expect(percentile(xs, 50)).toBe(4);
    expect(xs).toEqual([9, 1, 5, 3]);
  });
  it('rejects NaN values and p outside [0, 100]', () => {
    expect(() => percentile([1, Number.NaN], 50)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
    expect(() => percentile([1, 2], -1)).toThrow(RangeError);
  });
});
