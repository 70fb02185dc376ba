import { afterAll, describe, expect, it } from 'vitest';
import { normalizeToCHW, padResizeBicubic, padToSquare, pasteOnCanvas, type RawImage } from '../../src/image/index.ts';
import { resizeCanvasPilBicubic, resizePilBicubic } from '../../src/image/resample.ts';
import { setSimdEnabled, simdKernels } from '../../src/image/simd.ts';
import { resizePilBicubic as reference } from './reference-resample.ts';

/**
 * The fast resampler (virtual pad canvas, closed forms over pad rows/columns, WebAssembly SIMD kernels)
 * against the straightforward port it replaced (reference-resample.ts, which parity.test.ts ties to
 * PIL): bit for bit, on both the SIMD and the scalar path.
 */

let seed = 12345;
const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
const int = (n: number): number => Math.floor(rnd() * n);

/** Noise with saturated runs: exercises both clamps of clip8. */
function noise(w: number, h: number): RawImage {
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = rnd() < 0.3 ? (rnd() < 0.5 ? 0 : 255) : int(256);
  return { data, width: w, height: h };
}

type Case = { w: number; h: number; cw: number; ch: number; x: number; y: number; ow: number; oh: number; color: [number, number, number] };

function randomCases(n: number): Case[] {
  return Array.from({ length: n }, () => {
    const w = 1 + int(70); const h = 1 + int(70);
    const cw = w + int(30); const ch = h + int(30);
    return { w, h, cw, ch, x: int(cw - w + 1), y: int(ch - h + 1), ow: 1 + int(90), oh: 1 + int(90), color: [int(256), int(256), int(256)] };
  });
}

const paths = [['simd', true], ['scalar', false]] as const;

afterAll(() => setSimdEnabled(true));

describe.each(paths)('fast resampler, %s path', (_name, simd) => {
  it('has the path it claims', () => {
    setSimdEnabled(simd);
    expect(simdKernels() !== undefined).toBe(simd);
  });

  it('equals reference(pasteOnCanvas(img)) on 400 random canvases, pastes and sizes (up, down, mixed)', () => {
    setSimdEnabled(simd);
    for (const c of randomCases(400)) {
      const img = noise(c.w, c.h);
      const want = reference(pasteOnCanvas(img, c.cw, c.ch, c.x, c.y, c.color), c.ow, c.oh);
      const got = resizeCanvasPilBicubic(img, { width: c.cw, height: c.ch, x: c.x, y: c.y, color: c.color }, c.ow, c.oh);
      expect([got.width, got.height]).toEqual([c.ow, c.oh]);
      if (!got.data.equals(want.data)) expect.fail(`mismatch for ${JSON.stringify(c)}`);
      const plain = resizePilBicubic(img, c.ow, c.oh);
      if (!plain.data.equals(reference(img, c.ow, c.oh).data)) expect.fail(`plain resize mismatch for ${JSON.stringify(c)}`);
    }
  });

  it.each([
    ['landscape 1024x768 → pad → 336', 1024, 768, 336, 336],
    ['portrait 600x1000 → pad → 336', 600, 1000, 336, 336],
    ['odd 517x311 → pad → 224', 517, 311, 224, 224],
    ['AnyRes fit 1024x768 → 672x504', 1024, 768, 672, 504],
    ['upscale 203x347 → pad → 672', 203, 347, 672, 672],
  ])('%s matches padToSquare + reference', (_label, w, h, ow, oh) => {
    setSimdEnabled(simd);
    const img = noise(w, h);
    const color = [122, 116, 104] as const;
    const got = ow === oh ? padResizeBicubic(img, color, ow, oh) : resizePilBicubic(img, ow, oh);
    const want = reference(ow === oh ? padToSquare(img, color) : img, ow, oh);
    expect(got.data.equals(want.data)).toBe(true);
  });

  it('normalizeToCHW gives the same floats', () => {
    const img = noise(37, 23);
    const mean = [0.48145466, 0.4578275, 0.40821073] as const;
    const std = [0.26862954, 0.26130258, 0.27577711] as const;
    setSimdEnabled(simd);
    const got = normalizeToCHW(img, mean, std, new Float32Array(5 + 3 * 37 * 23).fill(7), 5);
    setSimdEnabled(false);
    const want = normalizeToCHW(img, mean, std, new Float32Array(5 + 3 * 37 * 23).fill(7), 5);
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    // the scalar path itself, from the definition
    expect(want[5 + 37 * 23]).toBe(Math.fround((img.data[1]! / 255 - mean[1]) / std[1]));
  });
});
