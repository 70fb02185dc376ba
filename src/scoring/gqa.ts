import { pySplit } from './pytext.ts';

/**
 * GQA scoring: LLaVA `scripts/convert_gqa_for_eval.py` turns each answer into
 * `text.rstrip('.').lower()`, then the GQA `eval.py --tier testdev_balanced` (as shipped in LLaVA's
 * eval data) gives 1 point when that prediction equals the gold answer exactly. Accuracy, binary
 * (structural type other than "query") and open ("query") are means ×100 over balanced questions;
 * per structural / semantic type the same; "distribution" is the chi-square between gold and predicted
 * answer counts per global group, divided by 100 (lower is better).
 */

/** `text.rstrip('.').lower()` */
export function gqaPrediction(text: string): string {
  return text.replace(/\.+$/u, '').toLowerCase();
}

export const gqaCorrect = (text: string, answer: string): 0 | 1 => (gqaPrediction(text) === answer ? 1 : 0);

export interface GqaItem {
  prediction: string;
  answer: string;
  isBalanced: boolean;
  structural: string;
  semantic: string;
  /** questions[qid]["groups"]["global"] (null for most questions). */
  globalGroup?: string | null;
}

export interface GqaTotals {
  accuracy: number; binary: number; open: number; distribution: number;
  perStructural: Record<string, [number, number]>;
  perSemantic: Record<string, [number, number]>;
  n: number;
}

const avg = (l: number[]) => (l.length === 0 ? 0 : l.reduce((a, b) => a + b, 0) / l.length);

/** eval.py's `chiSquare(dist.gold, dist.predicted)`; NaN when no question has a global group (upstream divides by zero). */
function chiSquare(gold: Map<string, Map<string, number>>, predicted: Map<string, Map<string, number>>): number {
  let sumScore = 0; let sumOverall = 0;
  for (const [group, answers] of gold) {
    let score = 0; let overall = 0;
    for (const [ans, e] of answers) {
      const o = predicted.get(group)?.get(ans) ?? 0;
      score += (o - e) ** 2 / e;
      overall += e;
    }
    sumScore += score * overall;
    sumOverall += overall;
  }
  return sumScore / sumOverall;
}

/** `items` are the predictions already converted with gqaPrediction (or raw: they are converted here). */
export function gqaTotals(items: readonly GqaItem[]): GqaTotals {
  const acc: number[] = []; const binary: number[] = []; const open: number[] = [];
  const perStructural = new Map<string, number[]>(); const perSemantic = new Map<string, number[]>();
  const gold = new Map<string, Map<string, number>>(); const predicted = new Map<string, Map<string, number>>();
  const bump = (m: Map<string, Map<string, number>>, g: string, a: string) => {
    const inner = m.get(g) ?? new Map<string, number>();
    inner.set(a, (inner.get(a) ?? 0) + 1);
    m.set(g, inner);
  };
  for (const it of items) {
    if (!it.isBalanced) continue;
    const pred = gqaPrediction(it.prediction);
    const score = pred === it.answer ? 1 : 0;
    acc.push(score);
    (perStructural.get(it.structural) ?? perStructural.set(it.structural, []).get(it.structural)!).push(score);
    (perSemantic.get(it.semantic) ?? perSemantic.set(it.semantic, []).get(it.semantic)!).push(score);
    (it.structural === 'query' ? open : binary).push(score);
    if (it.globalGroup !== null && it.globalGroup !== undefined) {
      bump(gold, it.globalGroup, it.answer);
      bump(predicted, it.globalGroup, pred);
    }
  }
  const table = (m: Map<string, number[]>) => Object.fromEntries([...m].map(([k, v]) => [k, [avg(v) * 100, v.length] as [number, number]]));
  return {
    accuracy: avg(acc) * 100, binary: avg(binary) * 100, open: avg(open) * 100,
    distribution: chiSquare(gold, predicted) / 100,
    perStructural: table(perStructural), perSemantic: table(perSemantic), n: acc.length,
  };
}

/** eval.py `getWordsNum`: words of the question (Python `split()`). */
export const gqaWords = (question: string) => pySplit(question).length;
