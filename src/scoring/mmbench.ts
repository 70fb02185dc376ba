import { pyLen, pyStrip } from './pytext.ts';

/**
 * MMBench option extraction and CircularEval.
 *
 * Extraction is VLMEvalKit's exact matching (open-compass/VLMEvalKit@e8e78f05 `vlmeval/utils/matching_util.py`
 * `can_infer`, the path it takes without a judge API key): `can_infer_option` replaces `.()[],:;!*#{}`
 * with spaces, splits on whitespace and accepts a choice letter when exactly one letter is among the
 * tokens and it is one of the last four; "Z" alone (or a refusal phrase) means none; then "answer is X"
 * (any case, optional "correct", `**`) names the letter. Failing that, `can_infer_text` accepts exactly
 * one option text found in the lowercased answer, unless the answer is more than twice as long as all
 * option texts together. The MMBench server adds an LLM fallback for answers neither rule reads; that
 * part is not reproduced (such answers count wrong here).
 *
 * CircularEval (MMBench paper; VLMEvalKit `mmbench_eval`/`eval_circular`): the official dev/test TSVs
 * carry every rotation of a question as its own row with `index = base + k·1e6`; a question counts right
 * only when the extracted letter equals the answer in every row of its group (`index % 1e6`).
 */

export const MMBENCH_OPTIONS = ['A', 'B', 'C', 'D'] as const;

const REJECT = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  'Cannot determine the answer',
];

const VERBOSE_ANSWER = /(?:correct\s+)?answer\s+is\s+\**([ABCD])\**/i;
const WS = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** `can_infer_option(answer, choices)`; choices are the option letters; false when undecided. */
export function canInferOption(answer: string, choices: readonly string[]): string | false {
  if (answer.includes('Failed to obtain answer via API')) return false;
  for (const err of REJECT) if (answer.includes(err)) return 'Z';
  let mod = answer;
  for (const c of '.()[],:;!*#{}') mod = mod.split(c).join(' ');
  const stripped = pyStrip(mod);
  const splits = stripped === '' ? [] : stripped.split(WS);
  const count = choices.filter((c) => splits.includes(c)).length;
  if (count === 1) {
    // Only a letter among the last four tokens counts (`splits.index(ch) > len(splits) - 5`).
    for (const ch of choices) if (splits.includes(ch) && splits.indexOf(ch) > splits.length - 5) return ch;
  } else if (count === 0 && splits.includes('Z')) {
    // count_choice(splits, {'Z', ''}) == 1: '' is never a token of split(), so this is "Z" present.
    return 'Z';
  }
  const m = VERBOSE_ANSWER.exec(answer);
  if (m && choices.includes(m[1]!.toUpperCase())) return m[1]!.toUpperCase();
  return false;
}

/** `can_infer_text(answer, choices)`: exactly one option text contained in the lowercased answer. */
export function canInferText(answer: string, choices: Readonly<Record<string, string>>): string | false {
  const low = answer.toLowerCase();
  const budget = 2 * Object.values(choices).reduce((n, v) => n + pyLen(v), 0);
  if (pyLen(low) > budget) return false;
  const cands = Object.keys(choices).filter((k) => low.includes(choices[k]!.toLowerCase()));
  return cands.length === 1 ? cands[0]! : false;
}

/** `can_infer(answer, choices)` with choices letter → option text. */
export function mmbenchExtract(answer: string, choices: Readonly<Record<string, string>>): string | false {
  return canInferOption(answer, Object.keys(choices)) || canInferText(answer, choices);
}

/** The CircularEval group a TSV row belongs to. */
export const mmbenchGroup = (index: number): number => index % 1_000_000;

export interface CircularItem { index: number; correct: boolean; category?: string; l2Category?: string }

export interface CircularTotals {
  /** Questions (groups) right in every rotation / groups, ×100. */
  circular: number;
  /** Plain accuracy over the main rows only (index < 1e6), ×100: VLMEvalKit's "vanilla" number. */
  vanilla: number;
  groups: number; groupsRight: number;
  perCategory: Record<string, [number, number]>;
  perL2: Record<string, [number, number]>;
}

export function mmbenchCircular(items: readonly CircularItem[]): CircularTotals {
  const groups = new Map<number, { right: boolean; category?: string; l2?: string }>();
  let mainN = 0; let mainRight = 0;
  for (const it of items) {
    const g = mmbenchGroup(it.index);
    const cur = groups.get(g) ?? { right: true };
    cur.right = cur.right && it.correct;
    if (it.index < 1_000_000) { mainN++; if (it.correct) mainRight++; cur.category = it.category; cur.l2 = it.l2Category; }
    cur.category ??= it.category; cur.l2 ??= it.l2Category;
    groups.set(g, cur);
  }
  const table = (key: 'category' | 'l2') => {
    const acc = new Map<string, [number, number]>();
    for (const g of groups.values()) {
      const k = g[key];
      if (k === undefined) continue;
      const [r, n] = acc.get(k) ?? [0, 0];
      acc.set(k, [r + (g.right ? 1 : 0), n + 1]);
    }
    return Object.fromEntries([...acc].map(([k, [r, n]]) => [k, [(100 * r) / n, n] as [number, number]]));
  };
  const groupsRight = [...groups.values()].filter((g) => g.right).length;
  return {
    circular: groups.size ? (100 * groupsRight) / groups.size : NaN,
    vanilla: mainN ? (100 * mainRight) / mainN : NaN,
    groups: groups.size, groupsRight, perCategory: table('category'), perL2: table('l2'),
  };
}
