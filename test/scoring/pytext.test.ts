import { describe, expect, it } from 'vitest';
import { pyFormatFixed, pyLen, pyRound, pySplit, pyStrip } from '../../src/scoring/pytext.ts';

describe('Python string semantics', () => {
  it('strip/split use Python\'s whitespace set', () => {
    expect(pyStrip('\u001c a \u0085')).toBe('a');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa');
    expect(pySplit('  a\u3000b\tc  ')).toEqual(['a', 'b', 'c']);
    expect(pySplit('   ')).toEqual([]);
    expect(pyLen('😀a')).toBe(2);
  });
  it("'{:.2f}'.format rounds the exact binary value half-to-even", () => {
    expect(pyFormatFixed(78.125, 2)).toBe('78.12');
    expect(pyFormatFixed(78.135, 2)).toBe('78.14'); // 78.135 is stored above the tie
    expect(pyFormatFixed(0.125, 2)).toBe('0.12');
    expect(pyFormatFixed(0.375, 2)).toBe('0.38');
    expect(pyFormatFixed(99.995, 2)).toBe('100.00'); // stored as 99.99500000000000455
    expect(pyFormatFixed(2.675, 2)).toBe('2.67'); // stored as 2.67499999999999982
    expect(pyFormatFixed(100, 2)).toBe('100.00');
    expect(pyFormatFixed(-1.5, 0)).toBe('-2');
    expect(pyFormatFixed(0.5, 0)).toBe('0');
    expect(pyRound(0.8885, 3)).toBe(0.888);
  });
});
