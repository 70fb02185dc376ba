import { pyStrip } from './pytext.ts';

/**
 * MM-Vet grading (yuweihao/MM-Vet `mm-vet_evaluator.py`): the few-shot grader prompt, the score read
 * from the grader's reply, the retry rule, and the per-capability totals.
 */

/** The grader prompt, verbatim (`prompt` in mm-vet_evaluator.py). */
export const MMVET_PROMPT = `Compare the ground truth and prediction from AI models, to give a correctness score for the prediction. <AND> in the ground truth means it is totally right only when all elements in the ground truth are present in the prediction, and <OR> means it is totally right when any one element in the ground truth is present in the prediction. The correctness score is 0.0 (totally wrong), 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, or 1.0 (totally right). Just complete the last space of the correctness score.

Question | Ground truth | Prediction | Correctness
--- | --- | --- | ---
What is x in the equation? | -1 <AND> -5 | x = 3 | 0.0
What is x in the equation? | -1 <AND> -5 | x = -1 | 0.5
What is x in the equation? | -1 <AND> -5 | x = -5 | 0.5
What is x in the equation? | -1 <AND> -5 | x = -5 or 5 | 0.5
What is x in the equation? | -1 <AND> -5 | x = -1 or x = -5 | 1.0
Can you explain this meme? | This meme is poking fun at the fact that the names of the countries Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes, while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues because the names of these countries do not accurately represent their landscapes. | The meme talks about Iceland and Greenland. It's pointing out that despite their names, Iceland is not very icy and Greenland isn't very green. | 0.4
Can you explain this meme? | This meme is poking fun at the fact that the names of the countries Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes, while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues because the names of these countries do not accurately represent their landscapes. | The meme is using humor to point out the misleading nature of Iceland's and Greenland's names. Iceland, despite its name, has lush green landscapes while Greenland is mostly covered in ice and snow. The text 'This is why I have trust issues' is a playful way to suggest that these contradictions can lead to distrust or confusion. The humor in this meme is derived from the unexpected contrast between the names of the countries and their actual physical characteristics. | 1.0
`;

/** Suffix of the retry prompt after an unreadable reply. */
export const MMVET_RETRY_SUFFIX = '\nPredict the correctness of the answer (digit): ';
/** Upstream gives up after the fifth try and scores 0.0. */
export const MMVET_MAX_TRIES = 5;
/** Upstream asks with max_tokens=3 and temperature 0 (raised by 0.5 per retry). */
export const MMVET_MAX_TOKENS = 3;

/**
 * Sampling temperature of grader try `t` (0-based): the retry is sent before upstream raises the
 * temperature, so tries 0 and 1 run at 0.0, then 0.5, 1.0, 1.5.
 */
export const mmvetTemperature = (t: number) => (t < 2 ? 0 : 0.5 * (t - 1));

/** The user message sent to the grader (first try, or a retry). */
export function mmvetGraderPrompt(question: string, answer: string, prediction: string, retry = false): string {
  const gt = answer.split('<AND>').join(' <AND> ').split('<OR>').join(' <OR> ');
  return `${MMVET_PROMPT}\n${[question, gt, prediction, ''].join(' | ')}${retry ? MMVET_RETRY_SUFFIX : ''}`;
}

/** Python `float(s)` for the strings a grader returns (underscores between digits, nan/inf spellings). */
export function pyFloat(s: string): number | undefined {
  const t = pyStrip(s);
  const m = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*|\d(?:_?\d)*\.)(?:[eE][+-]?\d(?:_?\d)*)?$/u.exec(t);
  if (m && /\d/.test(t)) return Number(t.replace(/_/g, ''));
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(t);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : (special[1] === '-' ? -Infinity : Infinity);
  return undefined;
}

/**
 * The score in a grader reply, or undefined when upstream would retry: `content.split(" ")[0].strip()`,
 * `float()`, and 0.0 ≤ score ≤ 1.0 (a NaN passes that check upstream and is kept as NaN).
 */
export function parseMmvetScore(content: string): number | undefined {
  const first = content.split(' ')[0]!;
  const v = pyFloat(first);
  if (v === undefined) return undefined;
  if (v > 1.0 || v < 0.0) return undefined;
  return v;
}

/**
 * `round(np.float64, n)` is numpy's rounding, not Python's: scale by 10^n, round half to even, scale back
 * (so it can differ from the correctly rounded decimal in the last place on ties).
 */
export function npRound(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = x * f;
  const r = Math.round(y);
  const even = Math.abs(y % 1) === 0.5 ? 2 * Math.round(y / 2) : r;
  return even / f;
}

export interface MmvetItem { capabilities: readonly string[]; score: number }

export interface MmvetTotals {
  /** Capability → mean score ×100 rounded to one decimal, in upstream's column order (most common first), then total. */
  columns: [string, number][];
  total: number;
  n: number;
}

/**
 * `export_result` for one run: per capability the sum of scores over items having it, / items with it
 * ×100, rounded to `decimals` (upstream default 1); total over all items.
 */
export function mmvetTotals(items: readonly MmvetItem[], decimals = 1): MmvetTotals {
  const counter = new Map<string, number>();
  for (const it of items) for (const c of new Set(it.capabilities)) counter.set(c, (counter.get(c) ?? 0) + 1);
  // Counter.most_common(): by count, ties in first-seen order (stable sort).
  const order = [...counter.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const sums = new Map<string, number>(order.map((k) => [k, 0]));
  let total = 0;
  for (const it of items) {
    for (const c of new Set(it.capabilities)) sums.set(c, sums.get(c)! + it.score);
    total += it.score;
  }
  const columns = order.map((k) => [k, npRound((sums.get(k)! / counter.get(k)!) * 100, decimals)] as [string, number]);
  return { columns, total: npRound((total / items.length) * 100, decimals), n: items.length };
}
