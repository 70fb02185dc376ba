import { describe, expect, it } from 'vitest';
import { anlsScore, levenshtein } from '../../src/scoring/anls.ts';

// Expected values from lmms-eval's anls() and m4c's STVQAANLSEvaluator run on the same inputs.
describe('levenshtein', () => {
  it('counts code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('😀a', '😁a')).toBe(1);
  });
});

describe('anlsScore (lmms-eval, τ = 0.5)', () => {
  it('scores 1 − normalised distance, max over answers', () => {
    expect(anlsScore('hello', ['hello'])).toBe(1);
    expect(anlsScore('helo', ['hello'])).toBe(0.8);
    expect(anlsScore('hxllo wxrld', ['hello world'])).toBeCloseTo(0.8181818181818181, 15);
    expect(anlsScore('helo', ['nothing alike', 'hello'])).toBe(0.8);
  });
  it('applies the threshold: exactly 0.5 passes, below becomes 0', () => {
    expect(anlsScore('abcd', ['abxy'])).toBe(0.5);
    expect(anlsScore('abc', ['abxy'])).toBe(0.5);
    expect(anlsScore('abcdef', ['abxyzw'])).toBe(0);
    expect(anlsScore('abcd', ['abxy'], { threshold: 0.6 })).toBe(0);
  });
  it('normalises case and whitespace for the distance but divides by raw lengths', () => {
    // distance 0 on normalised strings → 1 regardless of the raw lengths
    expect(anlsScore('  Hello   World ', ['hello world'])).toBe(1);
    // 'ab' vs '  a b  ': normalised 'ab' vs 'a b' distance 1, raw max length 7 → 1 − 1/7
    expect(anlsScore('ab', ['  a b  '])).toBeCloseTo(1 - 1 / 7, 15);
    expect(anlsScore('ß', ['ss'])).toBe(0);
  });
  it('two empty strings score 1', () => {
    expect(anlsScore('', [''])).toBe(1);
  });
});

describe('anlsScore (m4c variant)', () => {
  it('divides by the normalised lengths and raises on two empty strings', () => {
    expect(anlsScore('ab', ['  a b  '], { variant: 'm4c' })).toBeCloseTo(1 - 1 / 3, 15);
    expect(anlsScore('helo', ['hello'], { variant: 'm4c' })).toBe(0.8);
    expect(anlsScore('abcdef', ['abxyzw'], { variant: 'm4c' })).toBe(0);
    expect(() => anlsScore('', [''], { variant: 'm4c' })).toThrow(RangeError);
  });
});
