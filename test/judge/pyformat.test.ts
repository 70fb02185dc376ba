import { describe, expect, it } from 'vitest';
import { pyFloatRepr, pyListRepr, pyParseFloat, pyRound } from '../../src/judge/pyformat.ts';

// Expected strings and values were produced by CPython 3 (repr, round, float) on the same inputs.
describe('pyFloatRepr', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.1'], [0.25, '0.25'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1e16, '1e+16'],
    [1e15, '1000000000000000.0'], [123, '123.0'], [-0.5, '-0.5'], [0.3333333333333333, '0.3333333333333333'],
    [2.5e-7, '2.5e-07'], [1.5e-5, '1.5e-05'], [12345678901234567, '1.2345678901234568e+16'], [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [100, '100.0'], [0, '0.0'],
  ];
  it.each(cases)('%s → %s', (x, want) => expect(pyFloatRepr(x)).toBe(want));
});

describe('pyListRepr', () => {
  it('prints a bbox as Python str(list): ", " separators, ints stay ints, floats keep ".0"', () => {
    expect(pyListRepr([0.1, 0.25, 0.5, 0.75])).toBe('[0.1, 0.25, 0.5, 0.75]');
    expect(pyListRepr([0, 0, 1, 0.5], [false, true, true, false])).toBe('[0.0, 0, 1, 0.5]');
    expect(JSON.stringify([0, 0, 1, 0.5])).not.toBe(pyListRepr([0, 0, 1, 0.5])); // why this module exists
  });
});

describe('pyRound (half-to-even on the exact binary value)', () => {
  const cases: Array<[number, number, number]> = [
    [0.25, 1, 0.2], [0.35, 1, 0.3], [2.675, 2, 2.67], [0.125, 2, 0.12], [0.0005, 3, 0.001],
    [7.8125, 3, 7.812], [84.44444, 1, 84.4], [0.15, 1, 0.1], [1.45, 1, 1.4], [-2.5, 0, -2],
  ];
  it.each(cases)('round(%s, %s) = %s', (x, n, want) => expect(pyRound(x, n)).toBe(want));
  it('differs from toFixed on an exact tie', () => expect(Number((0.25).toFixed(1))).not.toBe(pyRound(0.25, 1)));
});

describe('pyParseFloat (Python float())', () => {
  const ok: Array<[string, number]> = [
    ['8', 8], ['8_9', 89], ['٨', 8], ['８', 8], ['inf', Infinity], ['-Infinity', -Infinity], [' 8 ', 8],
    ['8.', 8], ['.5', 0.5], ['1e1', 10], ['\t9\t', 9],
  ];
  it.each(ok)('float(%j) = %s', (t, want) => expect(pyParseFloat(t)).toBe(want));
  it('nan', () => expect(pyParseFloat('nan')).toBeNaN());
  it.each(['_8', '8__9', '8a', '', 'Assistant'])('float(%j) raises', (t) => expect(pyParseFloat(t)).toBeUndefined());
});
