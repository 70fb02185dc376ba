/**
 * Open-loop arrival schedules as vLLM's benchmark_serving draws them (vLLM `benchmarks/benchmark_serving.py` `get_request`):
 * inter-arrival gaps ~ Gamma(shape = burstiness, scale = 1 / (rate · burstiness)), so the mean gap is
 * 1/rate whatever the burstiness; burstiness 1 is a Poisson process (exponential gaps), < 1 burstier,
 * > 1 more regular. Seeded PRNG in, absolute offsets out: the sender waits for t0 + offset_i, so timer
 * lateness does not accumulate into a lower rate.
 */

/** Standard normal by Box–Muller (the second variate is dropped to keep the function stateless). */
function normal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via the boost Gamma(a) = Gamma(a+1)·U^(1/a).
 * Exact for any shape > 0 given a uniform source.
 */
export function sampleGamma(shape: number, scale: number, random: () => number): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`sampleGamma: shape and scale must be > 0 (got ${shape}, ${scale})`);
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = random();
    return sampleGamma(shape + 1, scale, random) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

export interface ArrivalOptions {
  count: number;
  /** Mean requests per second; Infinity sends everything at once (vLLM's default). */
  ratePerS: number;
  /** Gamma shape; 1 = Poisson. */
  burstiness?: number;
  random: () => number;
}

/**
 * Send offsets in ms from the start, one per request. As in vLLM the first request goes at 0 and each
 * later one a drawn gap after the previous, so `count` requests span `count − 1` gaps.
 */
export function arrivalOffsetsMs(opts: ArrivalOptions): number[] {
  const { count, ratePerS, random } = opts;
  const burstiness = opts.burstiness ?? 1;
  if (!(ratePerS > 0)) throw new RangeError(`arrivalOffsetsMs: rate must be > 0, got ${ratePerS}`);
  if (!Number.isFinite(ratePerS)) return Array.from({ length: count }, () => 0);
  const scaleMs = 1000 / (ratePerS * burstiness);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) t += sampleGamma(burstiness, scaleMs, random);
    out.push(t);
  }
  return out;
}
