import { describe, expect, it } from 'vitest';
import { parsePope, popeMetrics, popeScore } from '../../src/scoring/pope.ts';

// Expected values observed running LLaVA's eval_pope.py parsing on the same replies.
const CASES: [string, 'yes' | 'no'][] = [
  ['Yes, there is a dog.', 'yes'],
  ['No, there is not.', 'no'],
  ['no', 'no'],
  ['No,', 'no'],
  ['not sure', 'no'],
  ['The answer is no. Yes.', 'no'],
  ['Yes. No.', 'yes'],
  ['Yes there is. no', 'yes'],
  ['NO', 'yes'],
  ['No!', 'yes'],
  ["There isn't a cat.", 'yes'],
  ['No\nthere is none', 'yes'],
];

describe('parsePope', () => {
  it.each(CASES)('%j → %s', (reply, expected) => expect(parsePope(reply)).toBe(expected));
});

describe('popeMetrics', () => {
  it('computes accuracy, precision, recall, F1 and yes-ratio with yes as positive', () => {
    const m = popeMetrics([
      { pred: 'yes', label: 'yes' }, { pred: 'yes', label: 'yes' }, { pred: 'no', label: 'yes' },
      { pred: 'yes', label: 'no' }, { pred: 'no', label: 'no' },
    ]);
    expect(m).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 1 });
    expect(m.accuracy).toBe(0.6);
    expect(m.precision).toBeCloseTo(2 / 3, 15);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.f1).toBeCloseTo(2 / 3, 15);
    expect(m.yesRatio).toBe(0.6);
    expect(popeScore('No.', 'no')).toBe(1);
    expect(popeScore('NO', 'no')).toBe(0);
  });
});
