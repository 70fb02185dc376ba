import { pyParseFloat } from './pyformat.ts';

/** Result of reading the judge's score line: two scores (reference, model) or why not. */
export type ScoreParse =
  | { ok: true; scores: [number, number] }
  | { ok: false; reason: string };

/**
 * LLaVA's `parse_score` exactly: first line (split on LF), `,` → space, split on single spaces,
 * exactly two tokens through Python `float()`; anything else is `[-1, -1]`, kept by the official summary.
 */
export function parseScoreOfficial(review: string): [number, number] {
  const first = review.split('\n')[0] ?? '';
  const tokens = first.replace(/,/g, ' ').split(' ');
  if (tokens.length !== 2) return [-1, -1];
  const a = pyParseFloat(tokens[0]!);
  const b = pyParseFloat(tokens[1]!);
  if (a === undefined || b === undefined) return [-1, -1];
  return [a, b];
}

const NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?!\w)/g;

/**
 * vlmbench's reading of the score line: the first non-empty line, with "Assistant 1/2" labels and
 * "out of 10" / "/10" scales removed, must hold exactly two numbers in [0, 10]. Commas, colons and extra
 * words are tolerated; one number, three numbers or none is a failure (never a made-up score).
 */
export function parseScoreLine(review: string): ScoreParse {
  const first = review.split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined) return { ok: false, reason: 'empty reply' };
  const cleaned = first
    .replace(/assistant\s*[12]\b/gi, ' ')
    .replace(/\bout\s+of\s+10\b/gi, ' ')
    .replace(/\/\s*10\b/g, ' ');
  // "-1 -1" (a judge echoing the official failure marker) must not read as "1 1"; "8-9" stays two scores.
  if (/(^|[\s,:;(])-\d/.test(cleaned)) return { ok: false, reason: `negative score: ${JSON.stringify(first.slice(0, 80))}` };
  const numbers = (cleaned.match(NUMBER) ?? []).map(Number);
  if (numbers.length !== 2) {
    return { ok: false, reason: `first line has ${numbers.length} score${numbers.length === 1 ? '' : 's'}, expected 2: ${JSON.stringify(first.slice(0, 80))}` };
  }
  const [a, b] = numbers as [number, number];
  if (a > 10 || b > 10) return { ok: false, reason: `score out of range 0–10: ${JSON.stringify(first.slice(0, 80))}` };
  return { ok: true, scores: [a, b] };
}

/** The official parser's failure marker. */
export const isOfficialFailure = (t: readonly [number, number]): boolean => t[0] === -1 && t[1] === -1;
