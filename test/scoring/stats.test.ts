import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCI, holm, mcnemarExact, mcnemarRegression, pairedBootstrap, seededRandom, wilsonInterval,
} from '../../src/scoring/stats.ts';

interface Golden {
  mcnemar: { b: number; c: number; two_sided: number; regression: number }[];
  wilson: { k: number; n: number; low: number; high: number }[];
  holm: { p: number[]; adjusted: number[] }[];
}
// Produced by scripts/golden/stats.py with scipy; regenerate with /usr/bin/python3.
const golden = JSON.parse(readFileSync(new URL('./golden/stats.json', import.meta.url), 'utf8')) as Golden;

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1e-300, Math.abs(b)) + 1e-15;

describe('scipy goldens', () => {
  it.each(golden.mcnemar)('mcnemarExact($b, $c)', ({ b, c, two_sided, regression }) => {
    expect(close(mcnemarExact(b, c), two_sided)).toBe(true);
    expect(close(mcnemarRegression(b, c), regression)).toBe(true);
  });
  it.each(golden.wilson)('wilsonInterval($k, $n)', ({ k, n, low, high }) => {
    const [lo, hi] = wilsonInterval(k, n);
    expect(lo).toBeCloseTo(low, 12);
    expect(hi).toBeCloseTo(high, 12);
  });
  it.each(golden.holm)('holm(%#)', ({ p, adjusted }) => {
    const got = holm(p);
    got.forEach((v, i) => expect(v).toBeCloseTo(adjusted[i]!, 14));
  });
});

describe('seededRandom', () => {
  it('is mulberry32: deterministic per seed, in [0, 1)', () => {
    const a = seededRandom(42); const b = seededRandom(42); const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.slice(0, 5)).not.toEqual(Array.from({ length: 5 }, () => c()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // First output of the reference mulberry32 with seed 1 (bryc/code, PRNGs.md).
    expect(seededRandom(1)()).toBeCloseTo(0.6270739405881613, 15);
  });
});

describe('wilsonInterval', () => {
  it('honours an explicit z and handles n = 0', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    const [lo, hi] = wilsonInterval(50, 100, 1.96);
    expect(lo).toBeCloseTo(0.4038298286, 9);
    expect(hi).toBeCloseTo(0.5961701714, 9);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
  });
});

describe('holm', () => {
  it('is monotone in sorted order and capped at 1', () => {
    const adj = holm([0.9, 0.5, 0.01, 0.2]);
    expect(adj).toEqual([1, 1, 0.04, 0.6000000000000001]);
    expect(holm([])).toEqual([]);
  });
});

describe('bootstrapMeanCI', () => {
  const values = Array.from({ length: 400 }, (_, i) => (i % 10 < 7 ? 1 : 0));
  it('covers the mean, is seeded, and shrinks with n', () => {
    const ci = bootstrapMeanCI(values, { seed: 7 });
    expect(ci[0]).toBeLessThan(0.7);
    expect(ci[1]).toBeGreaterThan(0.7);
    expect(bootstrapMeanCI(values, { seed: 7 })).toEqual(ci);
    // Close to the normal approximation ±1.96·sqrt(.21/400) = ±0.0449.
    expect(ci[1] - ci[0]).toBeGreaterThan(0.075);
    expect(ci[1] - ci[0]).toBeLessThan(0.105);
    const small = bootstrapMeanCI(values.slice(0, 40), { seed: 7 });
    expect(small[1] - small[0]).toBeGreaterThan(ci[1] - ci[0]);
  });
  it('widens when items are clustered (shared images)', () => {
    // 40 images × 10 questions, each image all-right or all-wrong: effective n is 40, not 400.
    const clustered = Array.from({ length: 400 }, (_, i) => (Math.floor(i / 10) % 10 < 7 ? 1 : 0));
    const clusters = clustered.map((_, i) => `img${Math.floor(i / 10)}`);
    const flat = bootstrapMeanCI(clustered, { seed: 1 });
    const byImage = bootstrapMeanCI(clustered, { seed: 1, clusters });
    expect(byImage[1] - byImage[0]).toBeGreaterThan(2 * (flat[1] - flat[0]));
  });
  it('a constant series has a zero-width interval; alpha widens it', () => {
    expect(bootstrapMeanCI([1, 1, 1])).toEqual([1, 1]);
    const narrow = bootstrapMeanCI(values, { alpha: 0.5 });
    const wide = bootstrapMeanCI(values, { alpha: 0.01 });
    expect(wide[1] - wide[0]).toBeGreaterThan(narrow[1] - narrow[0]);
  });
});

describe('pairedBootstrap', () => {
  it('detects a paired regression that unpaired intervals would miss', () => {
    const rand = seededRandom(3);
    const base = Array.from({ length: 300 }, () => rand());
    const cur = base.map((v, i) => v - (i % 3 === 0 ? 0.05 : 0.01));
    const r = pairedBootstrap(base, cur, { seed: 5 });
    expect(r.delta).toBeCloseTo(-(0.05 * 100 + 0.01 * 200) / 300, 12);
    expect(r.ci[1]).toBeLessThan(0);
    expect(r.p).toBeCloseTo(1 / 2001, 12);
  });
  it('no change gives p near 1/2 or above and a CI around 0', () => {
    const base = [1, 0, 1, 1, 0, 1, 0, 1];
    const r = pairedBootstrap(base, [...base]);
    expect(r.delta).toBe(0);
    expect(r.ci).toEqual([0, 0]);
    expect(r.p).toBe(1);
    expect(() => pairedBootstrap([1], [1, 2])).toThrow(RangeError);
  });
});
