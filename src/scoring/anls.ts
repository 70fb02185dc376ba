import { pySplit, pyStrip } from './pytext.ts';

/**
 * ANLS (DocVQA, InfoVQA, ST-VQA; rrc.cvc.uab.es DocVQA evaluation, Biten et al. 2019). Two official variants, both with τ = 0.5:
 * - 'lmms-eval' (default, `api/metrics.py::anls`): distance on lowercased, stripped, whitespace-collapsed
 *   strings, but divided by the RAW lengths (of the upper-cased strings, so `ß` counts 2); two empty
 *   strings score 1.
 * - 'm4c' (`STVQAANLSEvaluator`): lowercase + strip only, divides by the normalised lengths; two empty
 *   strings raise upstream (ZeroDivisionError), here a RangeError.
 * Lengths and distances count code points, as Python does.
 */

export const ANLS_THRESHOLD = 0.5;

export type AnlsVariant = 'lmms-eval' | 'm4c';

/** Levenshtein distance over code points (two-row dynamic programme). */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length]!;
}

const codePoints = (s: string) => Array.from(s).length;
const collapse = (s: string) => pySplit(pyStrip(s).toLowerCase()).join(' ');

/** Per-question ANLS: best similarity over the answers, 0 below the threshold. */
export function anlsScore(
  prediction: string,
  answers: readonly string[],
  opts: { variant?: AnlsVariant; threshold?: number } = {},
): number {
  const { variant = 'lmms-eval', threshold = ANLS_THRESHOLD } = opts;
  if (answers.length === 0) throw new RangeError('anlsScore: no ground-truth answers');
  if (variant === 'm4c') {
    let best = -Infinity;
    const p = pyStrip(prediction.toLowerCase());
    for (const answer of answers) {
      const g = pyStrip(answer.toLowerCase());
      const longest = Math.max(codePoints(p), codePoints(g));
      if (longest === 0) throw new RangeError('anlsScore (m4c): prediction and answer are both empty');
      const iou = 1 - levenshtein(p, g) / longest;
      best = Math.max(best, iou >= threshold ? iou : 0);
    }
    return best;
  }
  const det = collapse(prediction);
  let minDistance = Infinity;
  for (const answer of answers) {
    const dist = levenshtein(collapse(answer), det);
    const length = Math.max(codePoints(answer.toUpperCase()), codePoints(prediction.toUpperCase()));
    minDistance = Math.min(minDistance, length === 0 ? 0 : dist / length);
  }
  const result = 1 - minDistance;
  return result < threshold ? 0 : result;
}
