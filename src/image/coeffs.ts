/**
 * PIL's bicubic coefficients (libImaging/Resample.c precompute_coeffs + normalize_coeffs_8bpc), cached
 * per (inSize, outSize), and the small helpers both resampler paths share (resample.ts: JS,
 * resample-simd.ts: WebAssembly).
 */

export const PRECISION_BITS = 32 - 8 - 2;
export const HALF = 1 << (PRECISION_BITS - 1);
const A = -0.5;

function bicubic(x: number): number {
  if (x < 0) x = -x;
  if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
  return 0;
}

/**
 * ksum[i]: Σ of output i's coefficients, for the closed form over constant input; pairs and tab: the
 * tables of the SIMD horizontal kernel (simd.ts), kstride taps (a multiple of 4, zero-padded) per
 * output and (3·xmin, ⌈taps/4⌉) per output.
 */
export interface Coeffs { ksize: number; bounds: Int32Array; kk: Int32Array; ksum: Int32Array; kstride: number; pairs: Int16Array; tab: Int32Array }

/**
 * Per output, per pair of taps (t, t+1): i16x8 [h_t, h_t+1] × 3, 0, 0 with h = k >> 11, then the same
 * with l = k & 2047 (k = h·2048 + l; |h| < 2^11 and l < 2^11 fit i16 lanes).
 */
function pairTable(kk: Int32Array, bounds: Int32Array, ksize: number, outSize: number): Pick<Coeffs, 'kstride' | 'pairs' | 'tab'> {
  const kstride = (ksize + 3) & ~3;
  const pairs = new Int16Array(outSize * kstride * 8);
  const tab = new Int32Array(outSize * 2);
  for (let xx = 0; xx < outSize; xx++) {
    for (let t = 0; t < ksize; t++) {
      const k = kk[xx * ksize + t]!;
      const base = (xx * kstride + (t & ~1)) * 8 + (t & 1);
      for (let c = 0; c < 6; c += 2) { pairs[base + c] = k >> 11; pairs[base + 8 + c] = k & 2047; }
    }
    tab[2 * xx] = bounds[2 * xx]! * 3;
    tab[2 * xx + 1] = (bounds[2 * xx + 1]! + 3) >> 2;
  }
  return { kstride, pairs, tab };
}

/** precompute_coeffs + normalize_coeffs_8bpc for a full-image box [0, inSize). */
export function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const ksum = new Int32Array(outSize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = bicubic((x + xmin - center + 0.5) * ss);
      ww += w[x]!;
    }
    let t = 0;
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x]! / ww : w[x]!;
      // C's (int) cast truncates toward zero after the ±0.5.
      const q = k < 0 ? Math.trunc(-0.5 + k * (1 << PRECISION_BITS)) : Math.trunc(0.5 + k * (1 << PRECISION_BITS));
      kk[xx * ksize + x] = q;
      t += q;
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
    ksum[xx] = t;
  }
  return { ksize, bounds, kk, ksum, ...pairTable(kk, bounds, ksize, outSize) };
}

const cache = new Map<number, Coeffs>();

/** Coefficients depend on (inSize, outSize) only: compute once per pair (a few pairs per model). */
export function coeffsFor(inSize: number, outSize: number): Coeffs {
  const key = inSize * 65536 + outSize;
  let c = cache.get(key);
  if (!c) {
    if (cache.size > 64) cache.clear();
    c = precomputeCoeffs(inSize, outSize);
    cache.set(key, c);
  }
  return c;
}

const TOP = 1 << (PRECISION_BITS + 8);
export const clip8 = (v: number): number => (v <= 0 ? 0 : v >= TOP ? 255 : v >> PRECISION_BITS);

/** `img` pasted at (x, y) on a width×height canvas of `color` (PIL `Image.new` + `paste`), not materialised. */
export interface Canvas { width: number; height: number; x: number; y: number; color: readonly [number, number, number] }

/** Output columns [x0, x1) whose taps see at least one image column (bounds are monotonic). */
export function imageColumns(c: Coeffs, x: number, w: number, outW: number): [number, number] {
  const { bounds } = c;
  let x0 = 0; let x1 = outW;
  while (x0 < outW && bounds[2 * x0]! + bounds[2 * x0 + 1]! <= x) x0++;
  while (x1 > x0 && bounds[2 * (x1 - 1)]! >= x + w) x1--;
  return [x0, x1];
}

/** One canvas row of `color`, n pixels. */
export function constantLine(color: Canvas['color'], n: number): Uint8Array {
  const line = new Uint8Array(n * 3);
  for (let i = 0; i < line.length; i += 3) { line[i] = color[0]; line[i + 1] = color[1]; line[i + 2] = color[2]; }
  return line;
}
