import { pairSamples } from '../compare/pair.ts';
import type { SampleRecord } from '../core/record.ts';

/** The gate's view of a paired benchmark: score vectors for the tests, plus clusters when asked. */
export interface PairedScores {
  baseline: number[];
  current: number[];
  /** Cluster label per pair (e.g. image id), when the policy names a field. */
  clusters?: string[];
  binary: boolean;
}

/** Pairs per-sample scores with the comparison module's pairing (same sample id and repeat). */
export function pairScores(baseline: SampleRecord[], current: SampleRecord[], metric: string, clusterBy?: string): PairedScores {
  const paired = pairSamples(baseline[0]?.suite ?? '', metric, baseline, current);
  const out: PairedScores = {
    baseline: paired.items.map((i) => i.baseline),
    current: paired.items.map((i) => i.current),
    binary: paired.binary,
  };
  if (clusterBy) out.clusters = paired.items.map((i) => String(i.baselineRecord.meta?.[clusterBy] ?? i.sampleId));
  return out;
}

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
