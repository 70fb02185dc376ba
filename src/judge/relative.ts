import { mean, quantile, seededRandom } from '../scoring/stats.ts';
import { pyRound } from './pyformat.ts';

/**
 * How judge failures are counted.
 * - `llava` (default): LLaVA's `llava/eval/summarize_gpt_review.py` exactly: one judge call per item,
 *   failed parses are `[-1, -1]` and stay in the means; means are rounded to 3 decimals (Python round)
 *   before the ratio; outputs rounded to 1 decimal. This is the protocol of the published figures.
 * - `robust` (opt-in): lenient score parsing with retries, a failed judgement is excluded and counted,
 *   nothing rounded. Not comparable with published numbers.
 */
export const JUDGE_COMPATS = ['llava', 'robust'] as const;
export type JudgeCompat = (typeof JUDGE_COMPATS)[number];

/** One judged question: `tuple` = [reference score, model score], or null when the judgement failed. */
export interface JudgedRow {
  group: string;
  tuple: [number, number] | null;
  /** Cluster for the bootstrap (the image: questions on one image are not independent). */
  cluster?: string;
}

export interface GroupScore {
  group: string;
  /** Questions in the group, judged or not. */
  n: number;
  /** Rows that entered the means. */
  used: number;
  /** Judge failures: excluded (default) or kept as [-1, -1] (llava). */
  failures: number;
  refMean: number | null;
  modelMean: number | null;
  /** 100 · mean(model) / mean(reference) — a ratio of means. */
  relative: number | null;
  /** Means on the 0–100 scale (×10). */
  ref10: number | null;
  model10: number | null;
  ci?: { relative: [number, number]; ref10: [number, number]; model10: [number, number] };
}

/** Ratio of means, the official LLaVA-Bench relative score. Null when the reference mean is 0 or no rows. */
export function relativeScore(tuples: readonly (readonly [number, number])[]): number | null {
  if (tuples.length === 0) return null;
  const ref = mean(tuples.map((t) => t[0]));
  const model = mean(tuples.map((t) => t[1]));
  return ref === 0 ? null : (100 * model) / ref;
}

/** Mean of per-question ratios — NOT the official metric; kept to show how it differs. */
export function meanOfRatios(tuples: readonly (readonly [number, number])[]): number | null {
  const ratios = tuples.filter((t) => t[0] !== 0).map((t) => (100 * t[1]) / t[0]);
  return ratios.length === 0 ? null : mean(ratios);
}

function rowsUsed(rows: readonly JudgedRow[], compat: JudgeCompat): { used: JudgedRow[]; failures: number } {
  const failed = (r: JudgedRow) => r.tuple === null || (r.tuple[0] === -1 && r.tuple[1] === -1);
  const failures = rows.filter(failed).length;
  // llava mode keeps [-1, -1] parses in the means, as the official summary does; a judge call that never
  // returned (tuple null) has no official equivalent (the script retries forever) and is excluded.
  const used = compat === 'llava' ? rows.filter((r) => r.tuple !== null) : rows.filter((r) => !failed(r));
  return { used, failures };
}

/** Percentile cluster bootstrap of relative score and both ×10 means, resampling questions/images. */
export function bootstrapGroup(rows: readonly JudgedRow[], opts: { iterations?: number; seed?: number } = {}) {
  const { iterations = 2000, seed = 0 } = opts;
  const byCluster = new Map<string, [number, number][]>();
  rows.forEach((r, i) => {
    if (!r.tuple) return;
    const key = r.cluster ?? `#${i}`;
    const list = byCluster.get(key) ?? [];
    list.push(r.tuple);
    byCluster.set(key, list);
  });
  const clusters = [...byCluster.values()];
  const rel: number[] = [];
  const refs: number[] = [];
  const models: number[] = [];
  const rand = seededRandom(seed);
  for (let b = 0; b < iterations; b++) {
    let sr = 0, sm = 0, n = 0;
    for (let c = 0; c < clusters.length; c++) {
      for (const t of clusters[Math.floor(rand() * clusters.length)]!) { sr += t[0]; sm += t[1]; n++; }
    }
    if (n === 0) continue;
    refs.push((10 * sr) / n);
    models.push((10 * sm) / n);
    if (sr !== 0) rel.push((100 * sm) / sr);
  }
  const ci = (xs: number[]): [number, number] => {
    const s = [...xs].sort((a, b) => a - b);
    return [quantile(s, 0.025), quantile(s, 0.975)];
  };
  return { relative: ci(rel), ref10: ci(refs), model10: ci(models) };
}

/** Score one group of judged questions under a compat mode. */
export function scoreGroup(
  group: string,
  rows: readonly JudgedRow[],
  compat: JudgeCompat,
  bootstrap?: { iterations?: number; seed?: number },
): GroupScore {
  const { used, failures } = rowsUsed(rows, compat);
  const base = { group, n: rows.length, used: used.length, failures };
  if (used.length === 0) return { ...base, refMean: null, modelMean: null, relative: null, ref10: null, model10: null };
  const tuples = used.map((r) => r.tuple!);
  let refMean = mean(tuples.map((t) => t[0]));
  let modelMean = mean(tuples.map((t) => t[1]));
  let relative: number | null;
  let ref10: number;
  let model10: number;
  if (compat === 'llava') {
    // summarize_gpt_review.py: stats = [round(x, 3) for x in np.mean(...).tolist()] (Python round, half-to-even
    // on the exact binary value), then round(s1/s0*100, 1), round(s0*10, 1), round(s1*10, 1).
    refMean = pyRound(refMean, 3);
    modelMean = pyRound(modelMean, 3);
    relative = refMean === 0 ? null : pyRound((modelMean / refMean) * 100, 1);
    ref10 = pyRound(refMean * 10, 1);
    model10 = pyRound(modelMean * 10, 1);
  } else {
    relative = refMean === 0 ? null : (100 * modelMean) / refMean;
    ref10 = refMean * 10;
    model10 = modelMean * 10;
  }
  const out: GroupScore = { ...base, refMean, modelMean, relative, ref10, model10 };
  if (bootstrap) out.ci = bootstrapGroup(used, bootstrap);
  return out;
}

/** Per-group scores (sorted by name, as the official summary prints them) plus the `all` group last. */
export function summarizeJudged(
  rows: readonly JudgedRow[],
  compat: JudgeCompat,
  bootstrap?: { iterations?: number; seed?: number },
): GroupScore[] {
  const groups = [...new Set(rows.map((r) => r.group))].sort();
  const out = groups.map((g) => scoreGroup(g, rows.filter((r) => r.group === g), compat, bootstrap));
  out.push(scoreGroup('all', rows, compat, bootstrap));
  return out;
}
