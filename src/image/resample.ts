/**
 * A port of Pillow's `Image.resize(size, BICUBIC)` for 8-bit RGB (libImaging/Resample.c, Pillow 7–10):
 * separable convolution, horizontal pass first, coefficients normalised to 22-bit fixed point, the
 * intermediate image rounded and clamped to 8 bits. Reproducing that order and rounding is what makes
 * the output bit-identical to PIL; libvips (sharp) resamples upscales with another pixel-centre
 * convention and does the passes in another order, which moves hard edges by up to ~120 levels.
 *
 * Speed (this is the hot path of exact preprocessing): the source can be a virtual canvas (an image
 * pasted on a constant colour, expand2square / AnyRes) that is never materialised; rows and columns
 * whose taps only see the pad colour take the closed form clip8(HALF + v · Σk); coefficients are cached
 * per (inSize, outSize). Both passes run in WebAssembly SIMD kernels (simd.ts, resample-simd.ts) where
 * the runtime has them, in the JS below otherwise; both are checked bit for bit against the plain port
 * (test/image/resample.test.ts). Sums stay below 2^31 (255 · Σ|k| < 1.3 · 2^30), so the double
 * arithmetic V8 uses here is exact, as C's int32 is.
 */

import { clip8, coeffsFor, constantLine, HALF, imageColumns, type Canvas, type Coeffs } from './coeffs.ts';
import type { RawImage } from './raw.ts';
import { resizeSimd } from './resample-simd.ts';
import { simdKernels } from './simd.ts';

export { coeffsFor, precomputeCoeffs, type Canvas, type Coeffs } from './coeffs.ts';

/**
 * One row through the horizontal taps: out[o + 3·xx] for xx in [x0, x1), reading `s` from byte `base`
 * (bounds are relative to `base`).
 */
function convolveRow(s: Uint8Array, base: number, out: Uint8Array, o: number, x0: number, x1: number, c: Coeffs): void {
  const { ksize, bounds, kk } = c;
  o += x0 * 3;
  for (let xx = x0; xx < x1; xx++) {
    let kb = xx * ksize;
    const kend = kb + bounds[2 * xx + 1]!;
    let p = base + bounds[2 * xx]! * 3;
    let s0 = HALF; let s1 = HALF; let s2 = HALF;
    for (; kb < kend; kb++, p += 3) {
      const k = kk[kb]!;
      s0 += s[p]! * k; s1 += s[p + 1]! * k; s2 += s[p + 2]! * k;
    }
    out[o] = clip8(s0); out[o + 1] = clip8(s1); out[o + 2] = clip8(s2);
    o += 3;
  }
}

/** A constant row of `color` through the horizontal taps (or copied, when there is no horizontal pass). */
function constantRow(color: Canvas['color'], outW: number, c: Coeffs | undefined): Uint8Array {
  const row = new Uint8Array(outW * 3);
  const [r, g, b] = color;
  for (let xx = 0, o = 0; xx < outW; xx++, o += 3) {
    const k = c ? c.ksum[xx]! : -1;
    row[o] = c ? clip8(HALF + r * k) : r; row[o + 1] = c ? clip8(HALF + g * k) : g; row[o + 2] = c ? clip8(HALF + b * k) : b;
  }
  return row;
}

/**
 * Horizontal pass over canvas rows [y0, y1): returns the rows (outW wide) and which of them are pad rows
 * (all equal to `padRow`). Columns whose taps miss the image copy `padRow`.
 */
function horizontal(img: RawImage, cv: Canvas, y0: number, y1: number, outW: number, c: Coeffs | undefined, padRow: Uint8Array) {
  const rows = y1 - y0;
  const w3 = outW * 3;
  const out = new Uint8Array(w3 * rows);
  const isPad = new Uint8Array(rows);
  const iw3 = img.width * 3;
  const src = img.data;
  // Output columns [x0, x1) see at least one image column; bounds are monotonic, so this is one range.
  let x0 = 0; let x1 = outW;
  let line: Uint8Array | undefined;
  if (c) {
    [x0, x1] = imageColumns(c, cv.x, img.width, outW);
    if (cv.x !== 0 || cv.width !== img.width) {
      // A scratch canvas row: pad colour on both sides, the image row copied into the middle per row.
      line = constantLine(cv.color, cv.width);
    }
  }
  for (let y = y0; y < y1; y++) {
    const o = (y - y0) * w3;
    const r = y - cv.y;
    if (r < 0 || r >= img.height) {
      out.set(padRow, o);
      isPad[y - y0] = 1;
      continue;
    }
    if (!c) {
      // No horizontal pass: the canvas row itself (outW === cv.width).
      out.set(padRow, o);
      out.set(src.subarray(r * iw3, (r + 1) * iw3), o + cv.x * 3);
      continue;
    }
    if (x0 > 0) out.set(padRow.subarray(0, x0 * 3), o);
    if (x1 < outW) out.set(padRow.subarray(x1 * 3), o + x1 * 3);
    if (line) {
      line.set(src.subarray(r * iw3, (r + 1) * iw3), cv.x * 3);
      convolveRow(line, 0, out, o, x0, x1, c);
    } else {
      convolveRow(src, r * iw3, out, o, x0, x1, c);
    }
  }
  return { data: out, isPad };
}

/** Vertical pass; `bounds` are relative to row `shift` of the canvas, the first row `tmp` holds. */
function vertical(tmp: Uint8Array, isPad: Uint8Array, padRow: Uint8Array, w3: number, outH: number, c: Coeffs, shift: number): Uint8Array {
  const out = new Uint8Array(w3 * outH);
  const { ksize, bounds, kk, ksum } = c;
  const acc = new Float64Array(w3);
  for (let yy = 0; yy < outH; yy++) {
    const first = bounds[2 * yy]! - shift;
    const n = bounds[2 * yy + 1]!;
    const kb = yy * ksize;
    const o = yy * w3;
    let allPad = true;
    for (let t = 0; t < n && allPad; t++) allPad = isPad[first + t] === 1;
    if (allPad) {
      const k = ksum[yy]!;
      for (let i = 0; i < w3; i++) out[o + i] = clip8(HALF + padRow[i]! * k);
      continue;
    }
    acc.fill(HALF);
    for (let t = 0; t < n; t++) {
      const k = kk[kb + t]!;
      const base = (first + t) * w3;
      for (let i = 0; i < w3; i++) acc[i] = acc[i]! + tmp[base + i]! * k;
    }
    for (let i = 0; i < w3; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

/**
 * PIL `Image.new(RGB, (cv.width, cv.height), cv.color)`, `paste(img, (cv.x, cv.y))`, then
 * `resize((width, height), BICUBIC)`, bit for bit, without building the canvas. The image must lie
 * inside the canvas.
 */
export function resizeCanvasPilBicubic(img: RawImage, cv: Canvas, width: number, height: number): RawImage {
  if (cv.x < 0 || cv.y < 0 || cv.x + img.width > cv.width || cv.y + img.height > cv.height) {
    throw new RangeError(`paste ${img.width}x${img.height}+${cv.x}+${cv.y} outside a ${cv.width}x${cv.height} canvas`);
  }
  const ch = width !== cv.width ? coeffsFor(cv.width, width) : undefined;
  const cvv = height !== cv.height ? coeffsFor(cv.height, height) : undefined;
  const padRow = constantRow(cv.color, width, ch);
  const k = ch && cvv ? simdKernels() : undefined;
  if (k && ch && cvv) {
    try {
      return resizeSimd(k, img, cv, width, height, ch, cvv, padRow);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err; // the module's memory could not grow: scalar path
    }
  }
  // Rows the vertical pass reads: only those go through the horizontal pass.
  const y0 = cvv ? cvv.bounds[0]! : 0;
  const y1 = cvv ? cvv.bounds[height * 2 - 2]! + cvv.bounds[height * 2 - 1]! : cv.height;
  const h = horizontal(img, cv, y0, y1, width, ch, padRow);
  const data = cvv ? vertical(h.data, h.isPad, padRow, width * 3, height, cvv, y0) : h.data;
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/** PIL `image.resize((width, height), Image.BICUBIC)` on raw RGB, bit for bit. */
export function resizePilBicubic(img: RawImage, width: number, height: number): RawImage {
  if (img.width === width && img.height === height) return img;
  return resizeCanvasPilBicubic(img, { width: img.width, height: img.height, x: 0, y: 0, color: [0, 0, 0] }, width, height);
}
