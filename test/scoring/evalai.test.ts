import { describe, expect, it } from 'vitest';
import { normalizeEvalAI } from '../../src/scoring/evalai.ts';
import { vqaAnswerScores, vqaExactMatch, vqaSoftAccuracy } from '../../src/scoring/vqa.ts';

// Expected values observed by running the upstream EvalAIAnswerProcessor / TextVQAAccuracyEvaluator
// (LLaVA llava/eval/m4c_evaluator.py) under CPython 3.11 on the same inputs.
const NORMALISER_CASES: [string, string][] = [
  // commas and '?' go before anything else
  ['yes,no', 'yesno'],
  ['What?', 'what'],
  // commas inside numbers: removed by word_tokenize, so COMMA_STRIP never sees one
  ['1,000', '1000'],
  ['1,5 - 2', '15 2'],
  // punctuation touching a space anywhere is deleted everywhere; otherwise it becomes a space
  ['a-b - c', 'ab c'],
  ['e-mail', 'e mail'],
  ['x/y', 'x y'],
  ['x / y', 'x y'],
  ['Coca-Cola!', 'coca cola'],
  ['(a) b', 'b'],
  ['"quoted"', 'quoted'],
  // the period-strip pattern: periods not followed by a digit go, at most 32 of them
  ['1.5', '1.5'],
  ['.5', '.5'],
  ['3.', '3'],
  ['3.x', '3x'],
  ['a.m.', 'am'],
  ['Hello.', 'hello'],
  ['.'.repeat(40) + 'x', '........x'],
  ['a.b.'.repeat(20), 'ababababababababababababababababa.b.a.b.a.b.a.b.'],
  // Python's Unicode \d: a full-width digit keeps its period
  ['１.５', '１.５'],
  // number words and articles
  ['A', ''],
  ['a', ''],
  ['none', '0'],
  ['None of them', '0 of them'],
  ['the two dogs', '2 dogs'],
  ['Ten Items', '10 items'],
  ['twenty', 'twenty'],
  ['An apple.', 'apple'],
  // contractions: looked up after lowercasing, so Im / I'd've never expand; the table's own quirk
  ['dont', "don't"],
  ['Whats up', "what's up"],
  ['Im', 'im'],
  ["I'd've", "i'd've"],
  ["somebody'd", 'somebodyd'],
  ["It's red", "it 's red"],
  // Python's whitespace set: U+001C and U+0085 are whitespace, U+FEFF is not
  ['\u001cfoo\u0085', 'foo'],
  ['foo\ufeff', 'foo\ufeff'],
  ['yes\nno', 'yes no'],
];

describe('normalizeEvalAI', () => {
  it.each(NORMALISER_CASES)('%j → %j', (input, expected) => {
    expect(normalizeEvalAI(input)).toBe(expected);
  });
  it('is not idempotent on every input (upstream normalises both sides once)', () => {
    const once = normalizeEvalAI('a.b.'.repeat(20));
    expect(normalizeEvalAI(once)).not.toBe(once);
  });
});

const withAt = (positions: number[], value = '2', filler = 'x') =>
  Array.from({ length: 10 }, (_, i) => (positions.includes(i) ? value : filler));

describe('vqaSoftAccuracy (leave-one-out)', () => {
  it('follows the closed form 0 / 0.3 / 0.6 / 0.9 / 1', () => {
    expect(vqaSoftAccuracy('2', withAt([]))).toBe(0);
    expect(vqaSoftAccuracy('2', withAt([0]))).toBe(0.3);
    expect(vqaSoftAccuracy('2', withAt([0, 1]))).toBe(0.6);
    expect(vqaSoftAccuracy('2', withAt([0, 1, 2]))).toBe(0.9);
    expect(vqaSoftAccuracy('2', withAt([0, 1, 2, 3]))).toBe(1);
    expect(vqaSoftAccuracy('2', withAt([1, 3, 5, 7, 9]))).toBe(1);
  });
  it('reproduces the float results that depend on where the matches sit', () => {
    expect(vqaSoftAccuracy('2', withAt([0, 1, 9]))).toBe(0.8999999999999998);
    expect(vqaSoftAccuracy('2', withAt([3, 4]))).toBe(0.6000000000000001);
    expect(vqaSoftAccuracy('2', withAt([7, 8]))).toBe(0.5999999999999999);
    expect(vqaSoftAccuracy('2', withAt([0, 1, 9]))).toBeCloseTo(0.9, 12);
  });
  it('normalises prediction and answers (number words, articles, case, punctuation)', () => {
    expect(vqaSoftAccuracy('Two', withAt([0, 1, 2, 3]))).toBe(1);
    expect(vqaSoftAccuracy('The Stop-Sign.', withAt([0, 1], 'stop sign'))).toBe(0.6);
    expect(vqaSoftAccuracy('stop', withAt([0, 1], 'stop sign'))).toBe(0);
  });
  it('answer score table covers every distinct normalised answer', () => {
    const scores = vqaAnswerScores(withAt([0, 1, 2], 'Yes'));
    expect(scores.get('yes')).toBe(0.9);
    expect(scores.get('x')).toBe(1);
    expect(() => vqaSoftAccuracy('x', [])).toThrow(RangeError);
  });
  it('exact match (ST-VQA) after normalisation', () => {
    expect(vqaExactMatch('The Cat', ['cat', 'dog'])).toBe(1);
    expect(vqaExactMatch('cats', ['cat'])).toBe(0);
  });
});
