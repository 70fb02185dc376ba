/**
 * Reference-based similarity for runs without a judge. These are NOT LLaVA-Bench scores: they compare
 * the model's answer with the GPT-4 reference text and are reported under `*_nojudge` keys.
 */

/** rouge_score's default tokenizer: lowercase, every non-[a-z0-9] character is a separator. */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter((t) => t !== '');
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/** ROUGE-L F-measure (rouge_score `rougeL`, no stemming): LCS over tokens, F1 of precision and recall. */
export function rougeL(reference: string, prediction: string): number {
  const ref = rougeTokens(reference);
  const pred = rougeTokens(prediction);
  if (ref.length === 0 || pred.length === 0) return 0;
  const lcs = lcsLength(ref, pred);
  return f1(lcs / pred.length, lcs / ref.length);
}

const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** SQuAD `normalize_answer`: lowercase, drop ASCII punctuation, drop articles, collapse whitespace. */
export function squadTokens(text: string): string[] {
  const noPunct = Array.from(text.toLowerCase(), (c) => (PUNCT.has(c) ? '' : c)).join('');
  return noPunct.replace(/\b(a|an|the)\b/g, ' ').split(/\s+/).filter((t) => t !== '');
}

/** SQuAD token F1: multiset overlap of normalised tokens. */
export function tokenF1(reference: string, prediction: string): number {
  const ref = squadTokens(reference);
  const pred = squadTokens(prediction);
  if (ref.length === 0 || pred.length === 0) return ref.length === pred.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) { same++; counts.set(t, c - 1); }
  }
  if (same === 0) return 0;
  return f1(same / pred.length, same / ref.length);
}
