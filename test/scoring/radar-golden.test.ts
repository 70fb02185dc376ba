import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gqaPrediction, gqaTotals, type GqaItem } from '../../src/scoring/gqa.ts';
import { mmeTotals, type MmeItem } from '../../src/scoring/mme.ts';
import { parsePope, popeMetrics } from '../../src/scoring/pope.ts';

/**
 * Golden outputs of the official scripts, run unchanged (stdlib + Debian python3-sklearn/pandas) on the
 * adversarial inputs stored next to them; `source` in the file names each script and commit.
 */
const golden = JSON.parse(readFileSync(new URL('./golden/radar.json', import.meta.url), 'utf8'));

describe('POPE: eval_pope.py per category', () => {
  const inputs = golden.pope.inputs as Record<string, [string, string][]>;
  it.each(Object.keys(inputs))('%s', (cat) => {
    const m = popeMetrics(inputs[cat]!.map(([text, label]) => ({ pred: parsePope(text), label })));
    const want = golden.pope.outputs[cat];
    expect({ tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn });
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'yesRatio'] as const) expect(m[k]).toBe(want[k]);
  });
});

describe('MME: convert_answer_to_mme.py + calculation.py', () => {
  const t = mmeTotals(golden.mme.items as MmeItem[]);
  it('every subtask score (acc×100 + acc+×100) equals the official output exactly', () => {
    for (const [name, score] of Object.entries(golden.mme.subtasks as Record<string, number>)) expect([name, t.subtasks[name]!.score]).toEqual([name, score]);
  });
  it('Perception and Cognition totals', () => {
    expect(t.perception).toBe(golden.mme.totals.Perception);
    expect(t.cognition).toBe(golden.mme.totals.Cognition);
    expect(t.missing).toEqual({ perception: [], cognition: [] });
  });
});

describe('GQA: convert_gqa_for_eval.py + eval.py', () => {
  const questions = golden.gqa.questions as Record<string, { answer: string; isBalanced: boolean; types: { structural: string; semantic: string }; groups: { global: string | null } }>;
  const answers = golden.gqa.answers as { question_id: string; text: string }[];
  it('predictions file: text.rstrip(".").lower()', () => {
    expect(answers.map((a) => ({ questionId: a.question_id, prediction: gqaPrediction(a.text) }))).toEqual(golden.gqa.predictionsFile);
  });
  it('accuracy, binary, open, distribution and per-type tables', () => {
    const items: GqaItem[] = answers.map((a) => {
      const q = questions[a.question_id]!;
      return { prediction: a.text, answer: q.answer, isBalanced: q.isBalanced, structural: q.types.structural, semantic: q.types.semantic, globalGroup: q.groups.global };
    });
    const t = gqaTotals(items);
    const s = golden.gqa.scores;
    expect([t.accuracy, t.binary, t.open, t.distribution]).toEqual([s.accuracy, s.binary, s.open, s.distribution]);
    expect(t.perStructural).toEqual(s.accuracyPerStructuralType);
    expect(t.perSemantic).toEqual(s.accuracyPerSemanticType);
  });
});
