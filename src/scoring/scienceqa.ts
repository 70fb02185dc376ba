import { pyFormatFixed, pyStrip } from './pytext.ts';

/**
 * ScienceQA answer extraction and the official category table (LLaVA `llava/eval/eval_science_qa.py` `get_pred_idx`; lupantech/ScienceQA `tools/evaluate_acc.py`).
 *
 * Modes:
 * - 'llava': LLaVA `eval_science_qa.py`, quirks included — the reply is never trimmed, `A.` alone fails,
 *   `A. ` parses, `The answer is ([A-Z]).` must match exactly once (its last `.` is any character but a
 *   newline), a letter beyond the choices gives -1.
 * - 'lenient' (a vlmbench mode, never used for published comparisons): trims the reply and accepts the
 *   common ways a model names an option, see `extractLenient`.
 */

export type SqaMode = 'llava' | 'lenient';

export const SQA_OPTIONS = ['A', 'B', 'C', 'D', 'E'] as const;

/** Python's `.` matches anything but `\n` (JavaScript's also excludes `\r`, U+2028, U+2029). */
const ANSWER_IS = /The answer is ([A-Z])[^\n]/g;

/** LLaVA's parser: the option letter, or 'FAILED'. */
export function extractLlava(pred: string): string {
  if ((SQA_OPTIONS as readonly string[]).includes(pred)) return pred;
  if (pred.length >= 3 && (SQA_OPTIONS as readonly string[]).includes(pred[0]!) && pred.slice(1, 3) === '. ') return pred[0]!;
  const matches = [...pred.matchAll(ANSWER_IS)];
  if (matches.length === 1) return matches[0]![1]!;
  return 'FAILED';
}

const letterIndex = (letter: string, nChoices: number): number => {
  const i = (SQA_OPTIONS as readonly string[]).indexOf(letter);
  return i >= 0 && i < nChoices ? i : -1;
};

/**
 * Lenient extraction, in order: two different letters named after "answer is"/"option"/"choice" fail;
 * LLaVA's rule on the trimmed reply; a reply that is just an option
 * (`B`, `B.`, `(B)`, `B)`, `B:`, `**B**`); a single distinct letter after "answer is" / "answer:" /
 * "option" / "choice" (`The correct answer is (C).`); the reply equal to one choice's text (case-,
 * whitespace- and final-period-insensitive). Anything else fails.
 */
export function extractLenient(pred: string, choices: readonly string[]): number {
  const text = pyStrip(pred).replace(/^\*\*(.*)\*\*$/su, '$1').trim();
  const named = [...text.matchAll(/(?:[Aa]nswer\s*(?:is|:)|[Oo]ption|[Cc]hoice)\s*:?\s*\(?\**([A-E])\**\)?(?![A-Za-z])/gu)];
  const letters = new Set(named.map((m) => m[1]!));
  if (letters.size > 1) return -1;
  const strict = letterIndex(extractLlava(text), choices.length);
  if (strict >= 0) return strict;
  const bare = /^\(?([A-E])\)?[.:)]?$/u.exec(text);
  if (bare) return letterIndex(bare[1]!, choices.length);
  if (letters.size === 1) return letterIndex([...letters][0]!, choices.length);
  const norm = (s: string) => pyStrip(s).replace(/\.$/u, '').replace(/\s+/gu, ' ').toLowerCase();
  return choices.findIndex((c) => norm(c) === norm(text));
}

/** Index of the predicted choice, or -1 (LLaVA: `options.index(answer)` within the choices, else -1). */
export function sqaPredIndex(pred: string, choices: readonly string[], mode: SqaMode = 'llava'): number {
  return mode === 'llava' ? letterIndex(extractLlava(pred), choices.length) : extractLenient(pred, choices);
}

/** What the category table needs to know about one answered test problem. */
export interface SqaTableItem {
  correct: boolean;
  subject: string;
  /** `grade1` … `grade12`. */
  grade: string;
  /** The problem's `hint` (context); a whitespace-only hint still counts as text, as upstream. */
  hint: string;
  hasImage: boolean;
}

export const SQA_CATEGORIES = ['NAT', 'SOC', 'LAN', 'TXT', 'IMG', 'NO', 'G1-6', 'G7-12'] as const;
export type SqaCategory = (typeof SQA_CATEGORIES)[number];

const LOWER_GRADES = new Set(['grade1', 'grade2', 'grade3', 'grade4', 'grade5', 'grade6']);
const UPPER_GRADES = new Set(['grade7', 'grade8', 'grade9', 'grade10', 'grade11', 'grade12']);

/** Category membership exactly as `tools/evaluate_acc.py` selects it. */
export function sqaCategoriesOf(item: Omit<SqaTableItem, 'correct'>): SqaCategory[] {
  const out: SqaCategory[] = [];
  if (item.subject === 'natural science') out.push('NAT');
  if (item.subject === 'social science') out.push('SOC');
  if (item.subject === 'language science') out.push('LAN');
  if (item.hint) out.push('TXT');
  if (item.hasImage) out.push('IMG');
  if (!item.hint && !item.hasImage) out.push('NO');
  if (LOWER_GRADES.has(item.grade)) out.push('G1-6');
  if (UPPER_GRADES.has(item.grade)) out.push('G7-12');
  return out;
}

export interface SqaCell {
  correct: number;
  total: number;
  /** The official value: a string with two decimals rounded half-to-even, or the integer -1 when empty. */
  official: string | -1;
}

/** The official table: NAT … G7-12 plus Avg (over every item). */
export function sqaCategoryTable(items: readonly SqaTableItem[]): Record<SqaCategory | 'Avg', SqaCell> {
  const cells = Object.fromEntries([...SQA_CATEGORIES, 'Avg'].map((k) => [k, { correct: 0, total: 0 }])) as
    Record<SqaCategory | 'Avg', { correct: number; total: number }>;
  for (const item of items) {
    for (const key of [...sqaCategoriesOf(item), 'Avg' as const]) {
      cells[key].total++;
      if (item.correct) cells[key].correct++;
    }
  }
  const out = {} as Record<SqaCategory | 'Avg', SqaCell>;
  for (const [key, { correct, total }] of Object.entries(cells) as [SqaCategory | 'Avg', { correct: number; total: number }][]) {
    out[key] = { correct, total, official: total === 0 ? -1 : pyFormatFixed((correct / total) * 100, 2) };
  }
  return out;
}

/** LLaVA's summary line: `Total: {n}, Correct: {c}, Accuracy: {acc:.2f}%, IMG-Accuracy: {img:.2f}%`. */
export function llavaSqaSummaryLine(total: number, correct: number, imgTotal: number, imgCorrect: number): string {
  const acc = total === 0 ? 0 : (correct / total) * 100;
  const img = imgTotal === 0 ? 0 : (imgCorrect / imgTotal) * 100;
  return `Total: ${total}, Correct: ${correct}, Accuracy: ${pyFormatFixed(acc, 2)}%, IMG-Accuracy: ${pyFormatFixed(img, 2)}%`;
}
