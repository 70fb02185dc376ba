// The straightforward PIL bicubic port that src/image/resample.ts replaced, kept verbatim as the oracle
// for test/image/resample.test.ts (parity.test.ts ties the production path to PIL itself).
import type { RawImage } from '../../src/image/raw.ts';

/**
 * A port of Pillow's `Image.resize(size, BICUBIC)` for 8-bit RGB (libImaging/Resample.c, Pillow 7–10):
 * separable convolution, horizontal pass first, coefficients normalised to 22-bit fixed point, the
 * intermediate image rounded and clamped to 8 bits. Reproducing that order and rounding is what makes
 * the output bit-identical to PIL; libvips (sharp) resamples upscales with another pixel-centre
 * convention and does the passes in another order, which moves hard edges by up to ~120 levels.
 */

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const A = -0.5;

function bicubic(x: number): number {
  if (x < 0) x = -x;
  if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
  return 0;
}

interface Coeffs { ksize: number; bounds: Int32Array; kk: Int32Array }

/** precompute_coeffs + normalize_coeffs_8bpc for a full-image box [0, inSize). */
export function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
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
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x]! / ww : w[x]!;
      // C's (int) cast truncates toward zero after the ±0.5.
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * (1 << PRECISION_BITS)) : Math.trunc(0.5 + k * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

const clip8 = (v: number): number => (v <= 0 ? 0 : v >= 1 << (PRECISION_BITS + 8) ? 255 : v >> PRECISION_BITS);

/** True when every pixel of the row equals its first pixel (pad bands from expand2square / AnyRes). */
function isConstantRow(s: Buffer, start: number, w3: number): boolean {
  const r = s[start]!; const g = s[start + 1]!; const b = s[start + 2]!;
  for (let i = start + 3, end = start + w3; i < end; i += 3) {
    if (s[i] !== r || s[i + 1] !== g || s[i + 2] !== b) return false;
  }
  return true;
}

/**
 * Horizontal pass over rows [y0, y0 + rows) of src. Sums stay below 2^31 (255 · Σ|k| < 1.3 · 2^30),
 * so int32 arithmetic is exact, as in C.
 */
function resampleHorizontal(src: RawImage, y0: number, rows: number, outW: number, c: Coeffs): RawImage {
  const out = Buffer.allocUnsafe(outW * rows * 3);
  const { ksize, bounds, kk } = c;
  const s = src.data;
  const w3 = src.width * 3;
  // Per-column coefficient sums: a constant row maps to clip8(HALF + v · Σk) exactly, without the taps.
  const ksum = new Int32Array(outW);
  for (let xx = 0; xx < outW; xx++) {
    let t = 0;
    for (let x = 0; x < bounds[xx * 2 + 1]!; x++) t += kk[xx * ksize + x]!;
    ksum[xx] = t;
  }
  for (let yy = 0; yy < rows; yy++) {
    const rowIn = (yy + y0) * w3;
    let o = yy * outW * 3;
    if (isConstantRow(s, rowIn, w3)) {
      const r = s[rowIn]!; const g = s[rowIn + 1]!; const b = s[rowIn + 2]!;
      for (let xx = 0; xx < outW; xx++) {
        const k = ksum[xx]!;
        out[o++] = clip8(HALF + r * k); out[o++] = clip8(HALF + g * k); out[o++] = clip8(HALF + b * k);
      }
      continue;
    }
    for (let xx = 0; xx < outW; xx++) {
      let kb = xx * ksize;
      const kend = kb + bounds[xx * 2 + 1]!;
      let p = rowIn + bounds[xx * 2]! * 3;
      let s0 = HALF; let s1 = HALF; let s2 = HALF;
      for (; kb < kend; kb++, p += 3) {
        const k = kk[kb]!;
        s0 = (s0 + s[p]! * k) | 0; s1 = (s1 + s[p + 1]! * k) | 0; s2 = (s2 + s[p + 2]! * k) | 0;
      }
      out[o++] = clip8(s0); out[o++] = clip8(s1); out[o++] = clip8(s2);
    }
  }
  return { data: out, width: outW, height: rows };
}

/** Vertical pass; `bounds` are relative to src's first row. */
function resampleVertical(src: RawImage, outH: number, c: Coeffs, yShift: number): RawImage {
  const w3 = src.width * 3;
  const out = Buffer.allocUnsafe(w3 * outH);
  const { ksize, bounds, kk } = c;
  const s = src.data;
  for (let yy = 0; yy < outH; yy++) {
    const base = (bounds[yy * 2]! - yShift) * w3;
    const ymax = bounds[yy * 2 + 1]!;
    const kb = yy * ksize;
    let o = yy * w3;
    for (let i = 0; i < w3; i++) {
      let acc = HALF;
      let p = base + i;
      for (let y = 0; y < ymax; y++, p += w3) acc = (acc + s[p]! * kk[kb + y]!) | 0;
      out[o++] = clip8(acc);
    }
  }
  return { data: out, width: src.width, height: outH };
}

/** PIL `image.resize((width, height), Image.BICUBIC)` on raw RGB, bit for bit. */
export function resizePilBicubic(img: RawImage, width: number, height: number): RawImage {
  if (img.width === width && img.height === height) return img;
  const needH = width !== img.width;
  const needV = height !== img.height;
  const ch = precomputeCoeffs(img.width, width);
  const cv = precomputeCoeffs(img.height, height);
  // Rows the vertical pass reads: only those go through the horizontal pass.
  const yFirst = cv.bounds[0]!;
  const yLast = cv.bounds[height * 2 - 2]! + cv.bounds[height * 2 - 1]!;
  let cur = img;
  let shift = 0;
  if (needH) {
    cur = resampleHorizontal(img, yFirst, yLast - yFirst, width, ch);
    shift = yFirst;
  }
  if (needV) cur = resampleVertical(cur, height, cv, shift);
  return cur;
}
