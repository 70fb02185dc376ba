import { describe, expect, it } from 'vitest';
import { arrivalOffsetsMs, sampleGamma } from '../../src/perf/arrivals.ts';
import { seededRandom } from '../../src/scoring/stats.ts';

const gaps = (offsets: number[]) => offsets.slice(1).map((t, i) => t - offsets[i]!);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => { const m = mean(xs); return mean(xs.map((x) => (x - m) ** 2)); };

describe('Poisson arrivals (burstiness 1)', () => {
  // n gaps of an exponential with mean 1/R: the estimated rate has relative sd 1/√n.
  // Tolerance: 4 sd, so a correct sampler fails with probability < 1e-4 for any seed; seeds are fixed.
  it.each([[2, 1], [10, 2], [0.5, 3], [50, 4]])('rate %f req/s (seed %i): mean rate within 4/√n', (rate, seed) => {
    const n = 20_000;
    const off = arrivalOffsetsMs({ count: n + 1, ratePerS: rate, random: seededRandom(seed) });
    const achieved = n / (off[n]! / 1000);
    expect(Math.abs(achieved / rate - 1)).toBeLessThan(4 / Math.sqrt(n));
  });
  it('gaps are exponential: CV ≈ 1 and P(gap > mean) ≈ e⁻¹', () => {
    const g = gaps(arrivalOffsetsMs({ count: 20_001, ratePerS: 5, random: seededRandom(11) }));
    const m = mean(g);
    expect(Math.sqrt(variance(g)) / m).toBeGreaterThan(0.96);
    expect(Math.sqrt(variance(g)) / m).toBeLessThan(1.04);
    const tail = g.filter((x) => x > m).length / g.length;
    expect(Math.abs(tail - Math.exp(-1))).toBeLessThan(4 * Math.sqrt(0.37 * 0.63 / g.length));
  });
  it('the first request goes at 0, offsets increase, infinite rate sends all at once', () => {
    const off = arrivalOffsetsMs({ count: 5, ratePerS: 3, random: seededRandom(1) });
    expect(off[0]).toBe(0);
    expect(gaps(off).every((x) => x > 0)).toBe(true);
    expect(arrivalOffsetsMs({ count: 3, ratePerS: Infinity, random: seededRandom(1) })).toEqual([0, 0, 0]);
  });
  it('is reproducible from the seed', () => {
    const a = arrivalOffsetsMs({ count: 50, ratePerS: 4, random: seededRandom(9) });
    expect(arrivalOffsetsMs({ count: 50, ratePerS: 4, random: seededRandom(9) })).toEqual(a);
    expect(arrivalOffsetsMs({ count: 50, ratePerS: 4, random: seededRandom(10) })).not.toEqual(a);
  });
});

describe('burstiness (gamma gaps, as vLLM)', () => {
  // Gamma(shape b, scale 1/(R·b)): mean 1/R for every b, CV² = 1/b.
  it.each([0.25, 0.5, 2, 8])('burstiness %f keeps the mean rate and sets CV² = 1/b', (b) => {
    const n = 20_000;
    const g = gaps(arrivalOffsetsMs({ count: n + 1, ratePerS: 4, burstiness: b, random: seededRandom(Math.round(b * 100)) }));
    expect(Math.abs(mean(g) / 250 - 1)).toBeLessThan(4 * Math.sqrt(1 / b / n));
    expect(Math.abs(variance(g) / mean(g) ** 2 * b - 1)).toBeLessThan(0.1);
  });
  it('sampleGamma rejects non-positive parameters', () => {
    expect(() => sampleGamma(0, 1, Math.random)).toThrow(RangeError);
    expect(() => sampleGamma(1, -1, Math.random)).toThrow(RangeError);
  });
});
