import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError } from '../../src/core/errors.ts';
import { getFamily } from '../../src/families/index.ts';
import { createPreprocessPool, preprocessFor, type PreprocessPool } from '../../src/families/preprocess.ts';

/** The opt-in worker pool: same tensors as in-process preprocessing, errors keep their class. */

let pool: PreprocessPool;
let png: Buffer;

beforeAll(async () => {
  pool = await createPreprocessPool({ threads: 2 });
  const w = 301; const h = 197;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  png = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
});
afterAll(async () => { await pool?.close(); });

describe('createPreprocessPool', () => {
  it.each(['llava-1.5', 'llava-1.6', 'llava-v1'] as const)('%s: identical output to preprocessFor, several in flight', async (key) => {
    const v = getFamily(key).vision;
    const src = { kind: 'buffer' as const, data: png, name: 'p.png' };
    const want = await preprocessFor(v, src);
    const got = await Promise.all([0, 1, 2, 3].map(() => pool.preprocess(v, src)));
    for (const g of got) {
      expect(g.shape).toEqual(want.shape);
      expect(g.tokens).toBe(want.tokens);
      expect(g.grid).toEqual(want.grid);
      expect(g.originalSize).toEqual(want.originalSize);
      expect(g.data).toBeInstanceOf(Float32Array);
      expect(Buffer.from(g.data.buffer, g.data.byteOffset, g.data.byteLength).equals(Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength))).toBe(true);
    }
  });

  it('passes options through (sharp resampler, tiny image size)', async () => {
    const v = getFamily('llava-1.5').vision;
    const src = { kind: 'buffer' as const, data: png };
    const want = await preprocessFor(v, src, { resampler: 'sharp', imageSize: 32, patchSize: 8 });
    const got = await pool.preprocess(v, src, { resampler: 'sharp', imageSize: 32, patchSize: 8 });
    expect(got.shape).toEqual([1, 3, 32, 32]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it('a missing file rejects with ImageError naming it; the pool keeps working', async () => {
    const v = getFamily('llava-1.5').vision;
    const err = await pool.preprocess(v, { kind: 'path', path: '/nonexistent/x.jpg' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).file).toBe('/nonexistent/x.jpg');
    expect((await pool.preprocess(v, { kind: 'buffer', data: png })).shape).toEqual([1, 3, 336, 336]);
  });

  it('rejects work after close', async () => {
    const p = await createPreprocessPool({ threads: 1 });
    await p.close();
    await expect(p.preprocess(getFamily('llava-1.5').vision, { kind: 'buffer', data: png })).rejects.toThrow(/closed/);
  });
});
