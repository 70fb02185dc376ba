/**
 * "Did you mean …?" for names a user typed: the closest allowed name by edit distance (case-folded,
 * so `mmProj` finds `mmproj`), when it is close enough to be a typo rather than another word.
 */
function distance(a: string, b: string): number {
  // Optimal string alignment: insertions, deletions, substitutions and adjacent transpositions cost 1.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function closestName(typed: string, allowed: Iterable<string>): string | undefined {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of allowed) {
    if (name === typed) continue;
    const d = distance(t, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  // One edit for names of up to 3 letters, else two, or a third of the length for long names.
  return best.d <= (typed.length <= 3 ? 1 : Math.max(2, Math.floor(typed.length / 3))) ? best.name : undefined;
}

/** `, did you mean 'x'?` (or `--x`) when there is a close name, else ''. */
export function didYouMean(typed: string, allowed: Iterable<string>, quote: (s: string) => string = (s) => `'${s}'`): string {
  const near = closestName(typed, allowed);
  return near === undefined ? '' : `, did you mean ${quote(near)}?`;
}
