/**
 * SEED-Bench scoring (LLaVA `scripts/convert_seed_for_submission.py` `eval_single`): a question is right
 * only when the model's text equals the answer letter exactly (`row['text'] == question_data['answer']`:
 * "A" is right, "A." and "a" are wrong); a missing answer counts wrong; accuracy per question type, and
 * the total over all types (image types 1–9 give SEED-IMG).
 */

export const seedCorrect = (text: string, answer: string): 0 | 1 => (text === answer ? 1 : 0);

export interface SeedItem { typeId: number; correct: boolean }

export interface SeedTotals { perType: Record<number, [number, number]>; total: number; n: number }

/** Accuracy ×100 per question_type_id (sorted keys, as upstream prints) and over all items. */
export function seedTotals(items: readonly SeedItem[]): SeedTotals {
  const counts = new Map<number, [number, number]>();
  for (const it of items) {
    const [r, n] = counts.get(it.typeId) ?? [0, 0];
    counts.set(it.typeId, [r + (it.correct ? 1 : 0), n + 1]);
  }
  let totalRight = 0; let total = 0;
  const perType: Record<number, [number, number]> = {};
  for (const t of [...counts.keys()].sort((a, b) => a - b)) {
    const [r, n] = counts.get(t)!;
    perType[t] = [(r / n) * 100, n];
    totalRight += r; total += n;
  }
  return { perType, total: total ? (totalRight / total) * 100 : NaN, n: total };
}
