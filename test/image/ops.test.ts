import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { getFamily } from '../../src/families/index.ts';
import { centerCrop, divideToTiles, normalizeToCHW, padToSquare, resizeBicubic, resizeShortestEdge, type RawImage } from '../../src/image/index.ts';

/** w×h image whose pixel (x, y) is (x, y, 200). */
function coords(w: number, h: number): RawImage {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 200], (y * w + x) * 3);
  return { data, width: w, height: h };
}
const px = (img: RawImage, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];

describe('preprocessing steps', () => {
  it('padToSquare pastes at (max − min)//2 on the short axis (top/left bias) with the given colour', () => {
    const wide = padToSquare(coords(5, 2), [122, 116, 104]);
    expect([wide.width, wide.height]).toEqual([5, 5]);
    expect(px(wide, 0, 0)).toEqual([122, 116, 104]);
    expect(px(wide, 0, 1)).toEqual([0, 0, 200]); // offset (5 − 2)//2 = 1
    expect(px(wide, 4, 2)).toEqual([4, 1, 200]);
    expect(px(wide, 4, 3)).toEqual([122, 116, 104]);
    const tall = padToSquare(coords(2, 5), [1, 2, 3]);
    expect(px(tall, 1, 0)).toEqual([0, 0, 200]);
    expect(px(tall, 0, 0)).toEqual([1, 2, 3]);
    const sq = coords(3, 3);
    expect(padToSquare(sq, [0, 0, 0])).toBe(sq);
  });

  it('centerCrop uses floor offsets; resizeShortestEdge truncates the long side', async () => {
    const c = centerCrop(coords(7, 4), 4, 4);
    expect(px(c, 0, 0)).toEqual([1, 0, 200]);
    const r = await resizeShortestEdge(coords(30, 20), 10);
    expect([r.width, r.height]).toEqual([15, 10]);
    const r2 = await resizeShortestEdge(coords(20, 31), 10);
    expect([r2.width, r2.height]).toEqual([10, 15]);
  });

  it('resizeBicubic equals PIL BICUBIC on a step edge (values printed by Pillow 9.4), up and down', async () => {
    const w = 40;
    const edge: RawImage = { data: Buffer.alloc(w * 4 * 3), width: w, height: 4 };
    for (let y = 0; y < 4; y++) for (let x = 20; x < w; x++) edge.data.fill(200, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const row = async (ow: number) => { const r = await resizeBicubic(edge, ow, 4); return Array.from({ length: ow }, (_, x) => r.data[x * 3]); };
    // Image.fromarray(a).resize((ow, 4), Image.BICUBIC) with a[:, 20:] = 200
    expect((await row(50)).slice(22, 28)).toEqual([0, 0, 13, 187, 206, 200]);
    expect((await row(31)).slice(13, 18)).toEqual([0, 0, 100, 211, 200]);
    expect(await row(13)).toEqual([0, 0, 0, 0, 0, 0, 100, 209, 200, 200, 200, 200, 200]);
  });

  it('divideToTiles is row-major', () => {
    const tiles = divideToTiles(coords(4, 6), 2);
    expect(tiles).toHaveLength(6);
    expect(tiles.map((t) => px(t, 0, 0))).toEqual([[0, 0, 200], [2, 0, 200], [0, 2, 200], [2, 2, 200], [0, 4, 200], [2, 4, 200]]);
  });

  it('resizeBicubic keeps a flat colour flat and is a no-op at the same size', async () => {
    const flat: RawImage = { data: Buffer.alloc(9 * 7 * 3, 90), width: 9, height: 7 };
    const r = await resizeBicubic(flat, 4, 5);
    expect(new Set(r.data)).toEqual(new Set([90]));
    expect(await resizeBicubic(flat, 9, 7)).toBe(flat);
  });

  it('normalizeToCHW: planes in CHW order; the LLaVA-1.5 pad band is (trunc(m·255)/255 − m)/s', () => {
    const img = padToSquare(coords(2, 1), [122, 116, 104]);
    const t = normalizeToCHW(img, [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]);
    expect(t).toHaveLength(12);
    // 2×1 pasted at row 0 of a 2×2 canvas: pixel (0,1) is pad band. Planes of 4 values: R, G, B.
    expect(t[2]).toBeCloseTo(-0.0113, 4);
    expect(t[6]).toBeCloseTo(-0.0112, 4);
    expect(t[10]).toBeCloseTo(-0.0013, 4);
    expect(t[8]).toBeCloseTo((200 / 255 - 0.40821073) / 0.27577711, 5); // B of pixel (0,0)
    expect(t[1]).toBeCloseTo((1 / 255 - 0.48145466) / 0.26862954, 5); // R of pixel (1,0)
  });
});

describe('family pipelines', () => {
  const src = async (w: number, h: number) => ({
    kind: 'buffer' as const, name: `${w}x${h}.png`,
    data: await sharp({ create: { width: w, height: h, channels: 3, background: { r: 250, g: 10, b: 30 } } }).png().toBuffer(),
  });

  it('llava-1.5: one 336 tile, pad band in mean colour, image colour in the middle', async () => {
    const p = await getFamily('llava-1.5').preprocess(await src(64, 32));
    expect(p.shape).toEqual([1, 3, 336, 336]);
    expect(p.tokens).toBe(576);
    expect(p.originalSize).toEqual({ width: 64, height: 32 });
    expect(p.data[0]).toBeCloseTo(-0.0113, 3);
    expect(p.data[168 * 336 + 168]).toBeCloseTo((250 / 255 - 0.48145466) / 0.26862954, 3);
  });

  it('llava-1.6: base + row-major tiles, black padding, grid and tokens', async () => {
    const p = await getFamily('llava-1.6').preprocess(await src(640, 480));
    expect(p.shape).toEqual([5, 3, 336, 336]);
    expect(p.tokens).toBe(2340);
    expect(p.grid).toEqual({ cols: 2, rows: 2, bestResolution: [672, 672], unpaddedHW: [36, 48] });
    const black = (0 - 0.48145466) / 0.26862954;
    const tile1 = 3 * 336 * 336; // first tile after the base image: top rows are padding (504 of 672 used)
    expect(p.data[tile1]).toBeCloseTo(black, 4);
    expect(p.data[0]).toBeCloseTo((250 / 255 - 0.48145466) / 0.26862954, 3); // base image: plain resize, no padding
  });

  it('tiny model overrides: 32 px tiles, patch 8', async () => {
    const p = await getFamily('llava-1.6').preprocess(await src(64, 48), { imageSize: 32, patchSize: 8 });
    expect(p.shape).toEqual([5, 3, 32, 32]);
    expect(p.tokens).toBe(16 + 6 * 8 + 6);
    const q = await getFamily('llava-1.5').preprocess(await src(10, 20), { imageSize: 32, patchSize: 8 });
    expect([q.shape, q.tokens]).toEqual([[1, 3, 32, 32], 16]);
  });

  it('tinyllava pads with 127 and SigLIP mean/std; vila resizes to 384; llava-v1 crops to 224', async () => {
    const t = await getFamily('tinyllava').preprocess(await src(20, 10));
    expect(t.shape).toEqual([1, 3, 384, 384]);
    expect(t.data[0]).toBeCloseTo((127 / 255 - 0.5) / 0.5, 5);
    const v = await getFamily('vila').preprocess(await src(20, 10));
    expect([v.shape, v.tokens]).toEqual([[1, 3, 384, 384], 196]);
    expect(v.data[0]).toBeCloseTo((250 / 255 - 0.5) / 0.5, 2);
    const l = await getFamily('llava-v1').preprocess(await src(20, 10));
    expect([l.shape, l.tokens]).toEqual([[1, 3, 224, 224], 256]);
  });

  it("resampler 'sharp': libvips on ≥2× downscales (close to PIL, not exact), the PIL port otherwise", async () => {
    const noise = async (w: number, h: number) => {
      const data = Buffer.alloc(w * h * 3);
      for (let i = 0; i < w * h; i++) data.set([(i * 7) % 256, (i * 3) % 256, (i >> 4) % 2 ? 230 : 25], i * 3);
      return { kind: 'buffer' as const, data: await sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer(), name: `${w}x${h}.png` };
    };
    const diff = async (src: Awaited<ReturnType<typeof noise>>) => {
      const exact = await getFamily('llava-1.5').preprocess(src);
      const fast = await getFamily('llava-1.5').preprocess(src, { resampler: 'sharp' });
      expect(fast.shape).toEqual(exact.shape);
      let max = 0;
      let sum = 0;
      for (let i = 0; i < exact.data.length; i++) {
        const d = Math.abs(exact.data[i]! - fast.data[i]!) * 0.26862954 * 255; // ≈ 8-bit levels
        max = Math.max(max, d);
        sum += d;
      }
      return { max, mean: sum / exact.data.length };
    };
    const down = await diff(await noise(1000, 700));
    expect(down.max).toBeGreaterThan(0);
    expect(down.mean).toBeLessThan(1);
    expect((await diff(await noise(300, 200))).max).toBe(0); // an upscale: exact path
  });
});
