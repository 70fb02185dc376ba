import { describe, expect, it } from 'vitest';
import { rougeL, tokenF1 } from '../../src/judge/similarity.ts';

// Golden values from a Python run of rouge_score's rougeL recipe (default tokenizer, LCS F-measure) and
// SQuAD's normalize_answer + f1_score on the same strings.
const cases: Array<[string, string, number, number]> = [
  ['The red circle is at the top left.', 'A red circle sits in the top-left corner.', 0.5882352941176471, 0.3333333333333333],
  ['The two suitcases are red and black.', 'One is red, the other black.', 0.30769230769230765, 0.3636363636363636],
  ['A cat on a mat', 'the dog', 0, 0],
  ['Blue square, blue square!', 'blue blue square', 0.8571428571428571, 0.8571428571428571],
];

describe('reference similarity (no-judge metrics)', () => {
  it.each(cases)('%j vs %j', (ref, pred, rl, f1) => {
    expect(rougeL(ref, pred)).toBeCloseTo(rl, 12);
    expect(tokenF1(ref, pred)).toBeCloseTo(f1, 12);
  });
  it('identical text scores 1, empty prediction 0', () => {
    expect(rougeL('a b c', 'a b c')).toBe(1);
    expect(tokenF1('red square', 'Red square.')).toBe(1);
    expect(rougeL('a b c', '')).toBe(0);
    expect(tokenF1('a b c', '')).toBe(0);
  });
});
