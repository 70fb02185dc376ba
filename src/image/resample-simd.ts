import { clip8, constantLine, HALF, imageColumns, type Canvas, type Coeffs } from './coeffs.ts';
import type { RawImage } from './raw.ts';
import { LUT_BYTES, releaseIfLarge, reserve, type SimdKernels } from './simd.ts';

const SLACK = 32;
const align = (n: number): number => (n + 15) & ~15;

/**
 * Both passes in the WebAssembly kernels; pad rows and columns as in the JS path. Layout of the module's
 * memory: coefficients, the needed image rows (padded to the canvas width), the intermediate, the output.
 */
export function resizeSimd(k: SimdKernels, img: RawImage, cv: Canvas, width: number, height: number, ch: Coeffs, cvv: Coeffs, padRow: Uint8Array): RawImage {
  const w3 = width * 3; const sw3 = cv.width * 3; const iw3 = img.width * 3;
  const y0 = cvv.bounds[0]!; const y1 = cvv.bounds[height * 2 - 2]! + cvv.bounds[height * 2 - 1]!;
  const r0 = Math.min(Math.max(y0 - cv.y, 0), img.height); const r1 = Math.min(Math.max(y1 - cv.y, 0), img.height);
  const bH = LUT_BYTES; const kH = align(bH + ch.tab.byteLength); const kV = align(kH + ch.pairs.byteLength);
  const src = align(kV + cvv.kk.byteLength); const tmp = align(src + (r1 - r0) * sw3 + SLACK);
  const out = align(tmp + (y1 - y0) * w3 + SLACK); const end = out + height * w3 + SLACK;
  reserve(k, end);
  const mem = new Uint8Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);
  i32.set(ch.tab, bH >> 2); new Int16Array(k.memory.buffer).set(ch.pairs, kH >> 1); i32.set(cvv.kk, kV >> 2);
  if (cv.x === 0 && cv.width === img.width) {
    mem.set(img.data.subarray(r0 * iw3, r1 * iw3), src);
  } else {
    const left = constantLine(cv.color, cv.width);
    for (let r = r0; r < r1; r++) {
      const o = src + (r - r0) * sw3;
      mem.set(left, o);
      mem.set(img.data.subarray(r * iw3, (r + 1) * iw3), o + cv.x * 3);
    }
  }
  const [x0, x1] = imageColumns(ch, cv.x, img.width, width);
  if (r1 > r0) k.h(src, sw3, r1 - r0, tmp + (r0 + cv.y - y0) * w3, w3, x0, x1, bH, kH, ch.kstride * 16);
  // Pad rows and pad columns after the kernel: it spills one byte past each row's last pixel.
  const isPad = new Uint8Array(y1 - y0);
  for (let y = y0; y < y1; y++) {
    const o = tmp + (y - y0) * w3;
    if (y < cv.y + r0 || y >= cv.y + r1) { mem.set(padRow, o); isPad[y - y0] = 1; continue; }
    if (x0 > 0) mem.set(padRow.subarray(0, x0 * 3), o);
    if (x1 < width) mem.set(padRow.subarray(x1 * 3), o + x1 * 3);
  }
  const { ksize, bounds, ksum } = cvv;
  // Pad output rows depend on Σk only, which takes a handful of values: compute each once, then copy.
  const padRows = new Map<number, number>();
  for (let yy = 0; yy < height; yy++) {
    const first = bounds[2 * yy]! - y0;
    const n = bounds[2 * yy + 1]!;
    let allPad = true;
    for (let t = 0; t < n && allPad; t++) allPad = isPad[first + t] === 1;
    const o = out + yy * w3;
    if (!allPad) { k.v(tmp + first * w3, w3, n, kV + yy * ksize * 4, o); continue; }
    const kk = ksum[yy]!;
    const seen = padRows.get(kk);
    if (seen !== undefined) { mem.copyWithin(o, seen, seen + w3); continue; }
    for (let i = 0; i < w3; i++) mem[o + i] = clip8(HALF + padRow[i]! * kk);
    padRows.set(kk, o);
  }
  const data = Buffer.from(mem.subarray(out, out + height * w3));
  releaseIfLarge(k);
  return { data, width, height };
}
