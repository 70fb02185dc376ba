/**
 * MME scoring (BradyFU/Awesome-Multimodal-Large-Language-Models, Evaluation branch, `tools/eval_tool.zip`
 * `calculation.py`, fed by LLaVA's `playground/data/eval/MME/convert_answer_to_mme.py`).
 *
 * - Answer parsing (`parse_pred_ans`): lowercase; exactly "yes"/"no" as is, otherwise look only at the
 *   first four characters: "yes" in them → yes, else "no" in them → no, else "other" (so "Nope" is no,
 *   "Not sure" is no, "Absolutely" is other).
 * - Per subtask: acc = correct / questions (an "other" counts wrong), acc+ = images with both questions
 *   right / images; score = acc×100 + acc+×100 (max 200).
 * - Perception = sum of the ten perception subtasks (max 2000, the LLaVA-1.5 "MME" number);
 *   Cognition = sum of the four cognition subtasks (max 800).
 * Upstream pairs questions by position (two lines per image) and asserts pairs; here questions are
 * grouped by (subtask, image) in first-seen order, which is the same on the official files.
 */

export const MME_PERCEPTION = ['existence', 'count', 'position', 'color', 'posters', 'celebrity', 'scene', 'landmark', 'artwork', 'OCR'] as const;
export const MME_COGNITION = ['commonsense_reasoning', 'numerical_calculation', 'text_translation', 'code_reasoning'] as const;
export const MME_SUBTASKS: readonly string[] = [...MME_PERCEPTION, ...MME_COGNITION];
export type MmeLabel = 'yes' | 'no' | 'other';

/** `calculate_metrics.parse_pred_ans` after `pred_ans.lower()`; slices count code points as Python does. */
export function parseMme(text: string): MmeLabel {
  const p = text.toLowerCase();
  if (p === 'yes' || p === 'no') return p;
  const prefix = Array.from(p).slice(0, 4).join('');
  if (prefix.includes('yes')) return 'yes';
  if (prefix.includes('no')) return 'no';
  return 'other';
}

/** 1 when the parsed answer equals the ground truth (ground truth lowercased, as upstream). */
export function mmeCorrect(prediction: string, gt: string): 0 | 1 {
  return parseMme(prediction) === gt.toLowerCase() ? 1 : 0;
}

export interface MmeItem { subtask: string; image: string; gt: string; prediction: string }

export interface MmeSubtaskScore {
  acc: number; accPlus: number; score: number;
  questions: number; images: number; correct: number; imagesBothRight: number; other: number;
}

export interface MmeTotals {
  subtasks: Record<string, MmeSubtaskScore>;
  /** Sums over the subtasks present; `missing` lists those absent (upstream needs all fourteen files). */
  perception: number; cognition: number;
  missing: { perception: string[]; cognition: string[] };
}

/** Per-subtask acc / acc+ / score and the Perception and Cognition sums, added in upstream's order. */
export function mmeTotals(items: readonly MmeItem[]): MmeTotals {
  const bySubtask = new Map<string, Map<string, MmeItem[]>>();
  for (const it of items) {
    let images = bySubtask.get(it.subtask);
    if (!images) { images = new Map(); bySubtask.set(it.subtask, images); }
    const list = images.get(it.image) ?? [];
    list.push(it);
    images.set(it.image, list);
  }
  const subtasks: Record<string, MmeSubtaskScore> = {};
  for (const [name, images] of bySubtask) {
    let questions = 0; let correct = 0; let both = 0; let other = 0;
    for (const qs of images.values()) {
      let right = 0;
      for (const q of qs) {
        questions++;
        const pred = parseMme(q.prediction);
        if (pred === 'other') other++;
        if (pred === q.gt.toLowerCase()) { right++; correct++; }
      }
      // Upstream: `if img_correct_num == 2` on asserted pairs.
      if (right === qs.length && qs.length === 2) both++;
    }
    const acc = correct / questions;
    const accPlus = both / images.size;
    // task_score starts at 0 and adds acc*100 then acc_plus*100 (the dict's order).
    let score = 0;
    score += acc * 100;
    score += accPlus * 100;
    subtasks[name] = { acc, accPlus, score, questions, images: images.size, correct, imagesBothRight: both, other };
  }
  const sum = (names: readonly string[]) => names.reduce((s, n) => (subtasks[n] ? s + subtasks[n]!.score : s), 0);
  return {
    subtasks,
    perception: sum(MME_PERCEPTION),
    cognition: sum(MME_COGNITION),
    missing: { perception: MME_PERCEPTION.filter((n) => !subtasks[n]), cognition: MME_COGNITION.filter((n) => !subtasks[n]) },
  };
}
