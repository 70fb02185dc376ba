import { pyReplace, pyStrip } from './pytext.ts';

/**
 * OCRBench substring scoring. Two named versions, because the rule changed upstream and published
 * numbers used both:
 * - 'ocrbench' (default): the original OCRBench scripts (Yuliang-Liu/MultimodalOCR
 *   `OCRBench/scripts/*.py`, the scoring loop after inference, e.g. `LLaVA1_5.py`). Non-HME items:
 *   lowercase, strip, `\n` → space, then "any answer is a substring of the prediction". HME100k items:
 *   strip, `\n` → space, remove every plain space (tabs stay) on both sides, case kept on both sides.
 * - 'lmms-eval': EvolvingLMMs-Lab/lmms-eval `lmms_eval/tasks/ocrbench/utils.py`
 *   `ocrbench_process_results`: the same, plus `_fold_fullwidth_ascii` (U+FF01–U+FF5E → ASCII,
 *   U+3000 → space) on both sides before lowercasing, for the non-HME datasets only. Its HME100k
 *   branch only strips the prediction (no lowercasing, no folding), exactly as the original.
 * An empty answer is a substring of everything, so it always scores 1 (upstream behaviour).
 */

export const OCRBENCH_VERSIONS = ['ocrbench', 'lmms-eval'] as const;
export type OcrBenchVersion = (typeof OCRBENCH_VERSIONS)[number];

/** The ten question types with their item counts in the 1000-question release. */
export const OCRBENCH_TYPES = {
  'Regular Text Recognition': 50,
  'Irregular Text Recognition': 50,
  'Artistic Text Recognition': 50,
  'Handwriting Recognition': 50,
  'Digit String Recognition': 50,
  'Non-Semantic Text Recognition': 50,
  'Scene Text-centric VQA': 200,
  'Doc-oriented VQA': 200,
  'Key Information Extraction': 200,
  'Handwritten Mathematical Expression Recognition': 100,
} as const;

export type OcrBenchType = keyof typeof OCRBENCH_TYPES;

/** The six recognition types summed into "Text Recognition (Total 300)". */
export const OCRBENCH_RECOGNITION_TYPES: readonly OcrBenchType[] = [
  'Regular Text Recognition', 'Irregular Text Recognition', 'Artistic Text Recognition',
  'Handwriting Recognition', 'Digit String Recognition', 'Non-Semantic Text Recognition',
];

export const isOcrBenchType = (t: string): t is OcrBenchType => Object.prototype.hasOwnProperty.call(OCRBENCH_TYPES, t);

/** Full-width ASCII variants and the ideographic space → their ASCII forms. */
export function foldFullWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

function prepare(s: string, hme: boolean, version: OcrBenchVersion): string {
  if (hme) return pyReplace(pyReplace(pyStrip(s), '\n', ' '), ' ', '');
  const folded = version === 'lmms-eval' ? foldFullWidth(s) : s;
  return pyReplace(pyStrip(folded.toLowerCase()), '\n', ' ');
}

/** 1 if any ground-truth answer is a substring of the prediction after the dataset's normalisation. */
export function ocrbenchScore(
  prediction: string,
  answers: string | readonly string[],
  datasetName: string,
  opts: { version?: OcrBenchVersion } = {},
): 0 | 1 {
  const version = opts.version ?? 'ocrbench';
  const hme = datasetName === 'HME100k';
  // lmms-eval strips the prediction once more before branching (`results[0].strip()`): the branch
  // strips again, so that changes nothing.
  const pred = prepare(prediction, hme, version);
  const list = typeof answers === 'string' ? [answers] : answers;
  return list.some((a) => pred.includes(prepare(a, hme, version))) ? 1 : 0;
}

export interface OcrBenchTotals {
  /** Sum of item scores per question type (types absent from the data are 0). */
  byType: Record<OcrBenchType, number>;
  /** Items seen per type. */
  countByType: Record<OcrBenchType, number>;
  recognition: number;
  /** Final Score: the sum over all items (out of 1000 on the full release). */
  final: number;
}

/** Per-type sums, the Text Recognition subtotal and the Final Score, as the official script prints them. */
export function ocrbenchTotals(items: readonly { type: string; score: number }[]): OcrBenchTotals {
  const zero = () => Object.fromEntries(Object.keys(OCRBENCH_TYPES).map((t) => [t, 0])) as Record<OcrBenchType, number>;
  const byType = zero();
  const countByType = zero();
  let final = 0;
  for (const { type, score } of items) {
    if (isOcrBenchType(type)) { byType[type] += score; countByType[type] += 1; }
    final += score;
  }
  const recognition = OCRBENCH_RECOGNITION_TYPES.reduce((s, t) => s + byType[t], 0);
  return { byType, countByType, recognition, final };
}
