import { normalizeEvalAI } from './evalai.ts';

/**
 * VQA soft accuracy (TextVQA, VQAv2, VizWiz; LLaVA `m4c_evaluator.py::TextVQAAccuracyEvaluator`,
 * LLaVA `llava/eval/m4c_evaluator.py` `TextVQAAccuracyEvaluator`). For a normalised answer a, the mean over the leave-one-out subsets of
 * min(1, matches/3): 0, 0.3, 0.6, 0.9, 1.0 for 0–4+ annotators — not the simplified min(n/3, 1).
 * Summed left to right in float like Python ≤ 3.11's `sum`, so values such as 0.8999999999999998
 * come out exactly as upstream (Python 3.12's compensated `sum` can differ in the last bit).
 */

/**
 * Leave-one-out score of one normalised candidate: for each annotator j, min(1, matches among the
 * others / 3), summed in annotator order — the same float operations as upstream's O(n²) loop.
 */
function leaveOneOutScore(candidate: string, normalizedAnswers: readonly string[]): number {
  let count = 0;
  for (const a of normalizedAnswers) if (a === candidate) count++;
  let total = 0;
  for (const a of normalizedAnswers) total += Math.min(1, (a === candidate ? count - 1 : count) / 3);
  return total / normalizedAnswers.length;
}

/** Normalise a list, normalising each distinct raw string once (annotators often agree verbatim). */
function normalizeAll(raw: readonly string[]): string[] {
  const seen = new Map<string, string>();
  return raw.map((r) => {
    let n = seen.get(r);
    if (n === undefined) { n = normalizeEvalAI(r); seen.set(r, n); }
    return n;
  });
}

/** Score of every distinct normalised answer (upstream `_compute_answer_scores`). */
export function vqaAnswerScores(rawAnswers: readonly string[]): Map<string, number> {
  const answers = normalizeAll(rawAnswers);
  const scores = new Map<string, number>();
  for (const a of answers) if (!scores.has(a)) scores.set(a, leaveOneOutScore(a, answers));
  return scores;
}

/**
 * Soft accuracy of one prediction. Upstream asserts exactly ten answers; suites enforce that on load,
 * this function accepts any non-empty list (the leave-one-out mean generalises).
 */
export function vqaSoftAccuracy(prediction: string, rawAnswers: readonly string[]): number {
  if (rawAnswers.length === 0) throw new RangeError('vqaSoftAccuracy: no ground-truth answers');
  const answers = normalizeAll(rawAnswers);
  const pred = normalizeEvalAI(prediction);
  return answers.includes(pred) ? leaveOneOutScore(pred, answers) : 0;
}

/** ST-VQA exact match after normalisation (`STVQAAccuracyEvaluator`): 1 if any answer equals the prediction. */
export function vqaExactMatch(prediction: string, rawAnswers: readonly string[]): number {
  const pred = normalizeEvalAI(prediction);
  return rawAnswers.some((a) => normalizeEvalAI(a) === pred) ? 1 : 0;
}
