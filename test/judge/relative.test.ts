import { describe, expect, it } from 'vitest';
import { meanOfRatios, relativeScore, scoreGroup, summarizeJudged, type JudgedRow } from '../../src/judge/relative.ts';

const rows: JudgedRow[] = [
  { group: 'conv', tuple: [8, 9] }, { group: 'conv', tuple: [7, 6] }, { group: 'conv', tuple: [-1, -1] },
  { group: 'complex', tuple: [9, 3] }, { group: 'complex', tuple: [6, 8] }, { group: 'complex', tuple: [8, 7] },
  { group: 'detail', tuple: [10, 5] },
];

describe('relative score', () => {
  it('is a ratio of means, not a mean of ratios', () => {
    const t: Array<[number, number]> = [[10, 5], [2, 4]];
    expect(relativeScore(t)).toBeCloseTo(75, 10); // (5+4)/(10+2) = 0.75
    expect(meanOfRatios(t)).toBeCloseTo(125, 10); // (50 + 200) / 2
  });

  // Expected rows printed by LLaVA's summarize_gpt_review.py logic (numpy + Python round) on the same tuples.
  it('compat llava keeps [-1,-1] in the means and rounds like the official summary', () => {
    const got = summarizeJudged(rows, 'llava').map((g) => [g.group, g.relative, g.ref10, g.model10, g.failures]);
    expect(got).toEqual([
      ['complex', 78.3, 76.7, 60.0, 0],
      ['conv', 100.0, 46.7, 46.7, 1],
      ['detail', 50.0, 100.0, 50.0, 0],
      ['all', 78.7, 67.1, 52.9, 1],
    ]);
  });

  it('robust mode excludes the failed judgement and still counts it', () => {
    const all = summarizeJudged(rows, 'robust').find((g) => g.group === 'all')!;
    expect(all.failures).toBe(1);
    expect(all.used).toBe(6);
    expect(all.n).toBe(7);
    expect(all.relative).toBeCloseTo((100 * 38) / 48, 10); // official script on the 6 good rows prints 79.2
    expect(all.ref10).toBeCloseTo(80, 10);
    const conv = summarizeJudged(rows, 'robust').find((g) => g.group === 'conv')!;
    expect(conv.relative).toBeCloseTo(100 * 15 / 15, 10);
    expect(conv.ref10).toBeCloseTo(75, 10); // llava mode gives 46.7 here: the failure drags both means down
  });

  it('a judge call that never returned (null) is excluded in both modes', () => {
    const r: JudgedRow[] = [{ group: 'conv', tuple: [8, 4] }, { group: 'conv', tuple: null }];
    for (const mode of ['robust', 'llava'] as const) {
      const g = scoreGroup('conv', r, mode);
      expect(g.used).toBe(1);
      expect(g.failures).toBe(1);
      expect(g.relative).toBe(50);
    }
  });

  it('bootstraps a CI around the ratio of means, resampling clusters (images)', () => {
    const many: JudgedRow[] = Array.from({ length: 40 }, (_, i) => ({
      group: 'conv', tuple: [8, 4 + (i % 5)] as [number, number], cluster: `img${Math.floor(i / 2)}`,
    }));
    const g = scoreGroup('conv', many, 'robust', { iterations: 500, seed: 3 });
    expect(g.ci).toBeDefined();
    const [lo, hi] = g.ci!.relative;
    expect(lo).toBeLessThan(g.relative!);
    expect(hi).toBeGreaterThan(g.relative!);
    expect(scoreGroup('conv', many, 'robust', { iterations: 500, seed: 3 }).ci).toEqual(g.ci); // seeded
  });
});
