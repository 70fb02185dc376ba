import type { SampleRecord, ScoreValue } from '../core/record.ts';

export interface PairedScores {
  baseline: number[];
  current: number[];
  /** Cluster label per pair (e.g. image id), when the policy names a field. */
  clusters?: string[];
  /** Samples present in the baseline but missing or errored in the current run (and vice versa). */
  unpaired: number;
}

const numeric = (v: ScoreValue | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Pairs per-sample scores of one benchmark by sample id: only samples scored in both runs count,
 * so item difficulty cancels in the paired tests.
 */
export function pairScores(baseline: SampleRecord[], current: SampleRecord[], metric: string, clusterBy?: string): PairedScores {
  const cur = new Map(current.map((r) => [r.sampleId, r]));
  const out: PairedScores = { baseline: [], current: [], unpaired: 0 };
  const clusters: string[] = [];
  for (const b of baseline) {
    const c = cur.get(b.sampleId);
    const bv = b.scores[metric];
    const cv = c?.scores[metric];
    if (!c || !numeric(bv) || !numeric(cv)) { out.unpaired++; continue; }
    out.baseline.push(bv);
    out.current.push(cv);
    if (clusterBy) clusters.push(String(b.meta?.[clusterBy] ?? b.sampleId));
  }
  out.unpaired += Math.max(0, current.length - baseline.length);
  if (clusterBy) out.clusters = clusters;
  return out;
}

/** Right/wrong items: every value is 0 or 1 → McNemar; otherwise a graded score → paired bootstrap. */
export const isBinary = (p: PairedScores): boolean => [...p.baseline, ...p.current].every((v) => v === 0 || v === 1);

/** Discordant pairs for McNemar: b = base right & current wrong, c = base wrong & current right. */
export function discordant(p: PairedScores): { b: number; c: number } {
  let b = 0;
  let c = 0;
  for (let i = 0; i < p.baseline.length; i++) {
    if (p.baseline[i] === 1 && p.current[i] === 0) b++;
    else if (p.baseline[i] === 0 && p.current[i] === 1) c++;
  }
  return { b, c };
}
