import { describe, expect, it } from 'vitest';
import {
  extractLenient, extractLlava, llavaSqaSummaryLine, sqaCategoriesOf, sqaCategoryTable, sqaPredIndex, type SqaTableItem,
} from '../../src/scoring/scienceqa.ts';

// Parser expectations observed by running LLaVA's eval_science_qa.py extraction on the same replies.
const LLAVA_CASES: [string, string][] = [
  ['A', 'A'],
  ['A.', 'FAILED'],
  ['A. ', 'A'],
  ['A.  dog', 'A'],
  ['B. because', 'B'],
  [' A', 'FAILED'],
  ['A\n', 'FAILED'],
  ['a', 'FAILED'],
  ['E', 'E'],
  ['The answer is B', 'FAILED'],
  ['The answer is B.', 'B'],
  ['The answer is B!', 'B'],
  ['The answer is B\r', 'B'],
  ['The answer is B\n', 'FAILED'],
  ['The answer is C. The answer is C.', 'FAILED'],
  ['The answer is F.', 'F'],
];

describe('extractLlava', () => {
  it.each(LLAVA_CASES)('%j → %s', (reply, expected) => {
    expect(extractLlava(reply)).toBe(expected);
  });
});

describe('sqaPredIndex', () => {
  const four = ['cat', 'dog', 'fish', 'bird'];
  it('llava: letters beyond the choices and failures give -1', () => {
    expect(sqaPredIndex('B', four)).toBe(1);
    expect(sqaPredIndex('E', four)).toBe(-1);
    expect(sqaPredIndex('The answer is F.', four)).toBe(-1);
    expect(sqaPredIndex('A.', four)).toBe(-1);
    expect(sqaPredIndex('E', [...four, 'cow'])).toBe(4);
  });
  it('lenient: accepts the usual ways of naming an option', () => {
    const cases: [string, number][] = [
      ['A.', 0], [' B ', 1], ['(C)', 2], ['D)', 3], ['**B**', 1], ['B:', 1], ['A\n', 0],
      ['The correct answer is (C).', 2], ['Answer: D', 3], ['I think the answer is B', 1],
      ['fish', 2], ['Dog.', 1],
      ['A dog', -1], ['The answer is a dog', -1], ['Option B', 1], ['The answer is A or the answer is B', -1], ['E', -1], ['no idea', -1],
    ];
    for (const [reply, expected] of cases) expect([reply, extractLenient(reply, four)]).toEqual([reply, expected]);
    expect(sqaPredIndex('A.', four, 'lenient')).toBe(0);
  });
});

const item = (over: Partial<SqaTableItem>): SqaTableItem =>
  ({ correct: true, subject: 'natural science', grade: 'grade3', hint: '', hasImage: false, ...over });

describe('sqaCategoryTable', () => {
  it('selects categories as tools/evaluate_acc.py does (TXT and IMG overlap; whitespace hint is text)', () => {
    expect(sqaCategoriesOf(item({ hint: 'ctx', hasImage: true }))).toEqual(['NAT', 'TXT', 'IMG', 'G1-6']);
    expect(sqaCategoriesOf(item({ subject: 'social science', grade: 'grade7' }))).toEqual(['SOC', 'NO', 'G7-12']);
    expect(sqaCategoriesOf(item({ subject: 'language science', hint: ' ', grade: 'grade12' }))).toEqual(['LAN', 'TXT', 'G7-12']);
  });
  it('computes the table on a small problem set with half-even two-decimal strings and -1 for empty', () => {
    const items: SqaTableItem[] = [
      item({ correct: true, hint: 'h', hasImage: true }),
      item({ correct: false, hasImage: true, grade: 'grade8' }),
      item({ correct: true, subject: 'social science' }),
      item({ correct: false, subject: 'social science', hint: 'h', grade: 'grade9' }),
      item({ correct: true, subject: 'social science', grade: 'grade10' }),
    ];
    const t = sqaCategoryTable(items);
    expect(t.NAT).toEqual({ correct: 1, total: 2, official: '50.00' });
    expect(t.SOC).toEqual({ correct: 2, total: 3, official: '66.67' });
    expect(t.LAN).toEqual({ correct: 0, total: 0, official: -1 });
    expect(t.TXT).toEqual({ correct: 1, total: 2, official: '50.00' });
    expect(t.IMG).toEqual({ correct: 1, total: 2, official: '50.00' });
    expect(t.NO).toEqual({ correct: 2, total: 2, official: '100.00' });
    expect(t['G1-6']).toEqual({ correct: 2, total: 2, official: '100.00' });
    expect(t['G7-12']).toEqual({ correct: 1, total: 3, official: '33.33' });
    expect(t.Avg).toEqual({ correct: 3, total: 5, official: '60.00' });
  });
  it('rounds 25/32 half-to-even to "78.12" like Python (toFixed would say 78.13)', () => {
    const items = Array.from({ length: 32 }, (_, i) => item({ correct: i < 25 }));
    expect(sqaCategoryTable(items).Avg.official).toBe('78.12');
    expect(llavaSqaSummaryLine(32, 25, 8, 7)).toBe('Total: 32, Correct: 25, Accuracy: 78.12%, IMG-Accuracy: 87.50%');
  });
});
