/** Next-token choice: greedy argmax, or temperature + top-p sampling from a seeded PRNG. */
import { mulberry32 } from '../../src/core/random.ts';

export interface Sampler {
  next(logits: Float32Array): number;
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  let max = -Infinity;
  // First maximum wins on ties, like torch.argmax / transformers.js.
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) { max = logits[i]!; best = i; }
  return best;
}

/** Softmax over logits/T, keep the smallest top set whose mass reaches topP, draw one. */
export function sampleTopP(logits: Float32Array, temperature: number, topP: number, uniform: () => number): number {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const order = Array.from(logits.keys());
  const probs = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) { probs[i] = Math.exp((logits[i]! - max) / temperature); sum += probs[i]!; }
  order.sort((a, b) => probs[b]! - probs[a]! || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP * sum)) mass += probs[order[kept++]!]!;
  let r = uniform() * mass;
  for (let k = 0; k < kept; k++) {
    r -= probs[order[k]!]!;
    if (r <= 0) return order[k]!;
  }
  return order[kept - 1]!;
}

export function createSampler(params: { temperature: number; topP?: number; seed: number }): Sampler {
  if (params.temperature <= 0) return { next: argmax };
  const uniform = mulberry32(params.seed);
  const topP = params.topP ?? 1;
  return { next: (logits) => sampleTopP(logits, params.temperature, topP, uniform) };
}
