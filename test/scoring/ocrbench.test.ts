import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldFullWidth, OCRBENCH_VERSIONS, ocrbenchScore, ocrbenchTotals } from '../../src/scoring/ocrbench.ts';

/** Scores from the upstream code itself (scripts/golden/ocrbench.py runs both upstream scorers). */
interface Golden { cases: ({ prediction: string; answers: string | string[]; dataset_name: string } & Record<'ocrbench' | 'lmms-eval', 0 | 1>)[] }
const golden = JSON.parse(readFileSync(new URL('./golden/ocrbench.json', import.meta.url), 'utf8')) as Golden;

describe('ocrbenchScore against the upstream scorers (golden)', () => {
  for (const version of OCRBENCH_VERSIONS) {
    it(`'${version}' gives upstream's score on every case`, () => {
      const got = golden.cases.map((c) => ocrbenchScore(c.prediction, c.answers, c.dataset_name, { version }));
      expect(got).toEqual(golden.cases.map((c) => c[version]));
    });
  }
  it('the cases tell the two rules apart', () => {
    expect(golden.cases.filter((c) => c.ocrbench !== c['lmms-eval']).length).toBeGreaterThan(5);
  });
});

describe('ocrbenchScore (original OCRBench script)', () => {
  it('is a case-insensitive substring test after strip and newline → space', () => {
    expect(ocrbenchScore('The sign says STOP here', ['stop'], 'IIIT5K')).toBe(1);
    expect(ocrbenchScore('sto p', ['stop'], 'IIIT5K')).toBe(0);
    expect(ocrbenchScore('first\nsecond', ['first second'], 'docVQA')).toBe(1);
    expect(ocrbenchScore('  Hello  ', '  hello ', 'svt')).toBe(1);
    expect(ocrbenchScore('nothing', ['other', 'NOTH'], 'svt')).toBe(1);
  });
  it('an empty ground truth is a substring of everything', () => {
    expect(ocrbenchScore('anything', [''], 'svt')).toBe(1);
  });
  it('HME100k removes plain spaces on both sides, keeps case and tabs', () => {
    expect(ocrbenchScore('x ^ { 2 } + 1', ['x^{2}+1'], 'HME100k')).toBe(1);
    expect(ocrbenchScore('x^{2}+1', ['x ^ { 2 }\n+ 1'], 'HME100k')).toBe(1);
    expect(ocrbenchScore('X^2', ['x^2'], 'HME100k')).toBe(0);
    expect(ocrbenchScore('x\t^2', ['x^2'], 'HME100k')).toBe(0);
    // the same pair outside HME100k: spaces matter, case does not
    expect(ocrbenchScore('x ^ 2', ['x^2'], 'svt')).toBe(0);
    expect(ocrbenchScore('X^2', ['x^2'], 'svt')).toBe(1);
  });
  it('does not fold full-width characters', () => {
    expect(ocrbenchScore('ＡＢＣ１２３', ['abc123'], 'svt')).toBe(0);
  });
});

describe("ocrbenchScore (version 'lmms-eval')", () => {
  it('folds full-width forms on both sides', () => {
    expect(foldFullWidth('ＡＢＣ１２３\u3000！')).toBe('ABC123 !');
    expect(ocrbenchScore('ＡＢＣ１２３', ['abc123'], 'svt', { version: 'lmms-eval' })).toBe(1);
    expect(ocrbenchScore('abc123', ['ＡＢＣ１２３'], 'svt', { version: 'lmms-eval' })).toBe(1);
  });
  it('leaves HME100k as the original: only stripped, case kept on both sides, no folding', () => {
    expect(ocrbenchScore('X^2', ['X^2'], 'HME100k', { version: 'lmms-eval' })).toBe(1);
    expect(ocrbenchScore('X ^ 2', ['x^2'], 'HME100k', { version: 'lmms-eval' })).toBe(0);
    expect(ocrbenchScore('\uff58^2', ['x^2'], 'HME100k', { version: 'lmms-eval' })).toBe(0);
  });
});

describe('ocrbenchTotals', () => {
  it('sums per type, the recognition subtotal and the final score', () => {
    const t = ocrbenchTotals([
      { type: 'Regular Text Recognition', score: 1 },
      { type: 'Regular Text Recognition', score: 0 },
      { type: 'Digit String Recognition', score: 1 },
      { type: 'Doc-oriented VQA', score: 1 },
      { type: 'Handwritten Mathematical Expression Recognition', score: 1 },
    ]);
    expect(t.byType['Regular Text Recognition']).toBe(1);
    expect(t.countByType['Regular Text Recognition']).toBe(2);
    expect(t.recognition).toBe(2);
    expect(t.final).toBe(4);
    expect(t.byType['Key Information Extraction']).toBe(0);
  });
});
