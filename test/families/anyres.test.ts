import { describe, expect, it } from 'vitest';
import { anyresLayout, DEFAULT_PINPOINTS, selectBestResolution } from '../../src/families/index.ts';
import { defaultPinpoints, resizedWithin, unpaddedSize } from '../../src/families/anyres.ts';

/** Worked counts from LLaVA `llava/mm_utils.py` / `llava_arch.py` and edge cases (upstream float order reproduced). */
describe('AnyRes token counts', () => {
  const worked: Array<[number, number, [number, number], [number, number], number]> = [
    [336, 336, [336, 672], [24, 24], 1176],
    [640, 480, [672, 672], [36, 48], 2340],
    [800, 600, [672, 672], [36, 48], 2340],
    [1000, 750, [672, 672], [36, 48], 2340],
    [1024, 768, [672, 672], [36, 48], 2340],
    [480, 640, [672, 672], [48, 36], 2352],
    [1920, 1080, [672, 672], [28, 48], 1948],
    [1280, 720, [672, 672], [28, 48], 1948],
    [500, 1500, [336, 1008], [72, 24], 2376],
    [672, 672, [672, 672], [48, 48], 2928],
    [2000, 2000, [672, 672], [48, 48], 2928],
  ];
  it.each(worked)('%i×%i → %j, unpadded %j, %i tokens', (w, h, best, unpadded, tokens) => {
    const l = anyresLayout(w, h);
    expect(l.bestResolution).toEqual(best);
    expect(l.unpaddedHW).toEqual(unpadded);
    expect(l.tokens).toBe(tokens);
  });

  it('grid comes back as cols × rows of 336 tiles and features are 24 per tile side', () => {
    expect(anyresLayout(500, 1500)).toMatchObject({ grid: { cols: 1, rows: 3 }, featureHW: [72, 24] });
    expect(anyresLayout(1920, 1080)).toMatchObject({ grid: { cols: 2, rows: 2 }, featureHW: [48, 48] });
  });

  it('every image up to 336×336 (even 1×1) ties and keeps the first pinpoint; squares → 1176', () => {
    for (const [w, h] of [[1, 1], [10, 10], [336, 336], [200, 336], [336, 100]] as const) {
      expect(anyresLayout(w, h).bestResolution).toEqual([336, 672]);
    }
    for (const s of [1, 10, 335, 336]) expect(anyresLayout(s, s).tokens).toBe(1176);
    // Non-square small images share the 1×2 grid but unpad differently (worked out from `unpad_image`).
    expect(anyresLayout(200, 336)).toMatchObject({ unpaddedHW: [40, 24], tokens: 576 + 40 * 24 + 40 });
    expect(anyresLayout(337, 336).bestResolution).toEqual([672, 336]);
  });

  it('float truncation: 88×55 → 926 (exact arithmetic would give 976)', () => {
    expect(55 * (24 / 88)).toBeLessThan(15);
    expect(anyresLayout(88, 55)).toMatchObject({ unpaddedHW: [14, 24], tokens: 926 });
  });

  it('567×1133 picks [336,672] as the doubles do', () => {
    expect(selectBestResolution(567, 1133, DEFAULT_PINPOINTS)).toEqual([336, 672]);
  });

  it('parity in unpadding: 2000×100 keeps 4 rows where the scaled height is 3', () => {
    expect(anyresLayout(2000, 100)).toMatchObject({ bestResolution: [1008, 336], unpaddedHW: [4, 72], tokens: 576 + 4 * 72 + 4 });
  });

  it('degenerate sizes: zero rows give 576; a zero-width map still gets a newline per row', () => {
    expect(anyresLayout(1000, 1).tokens).toBe(576);
    expect(anyresLayout(5000, 50)).toMatchObject({ unpaddedHW: [0, 72], tokens: 576 });
    expect(anyresLayout(1, 1000)).toMatchObject({ unpaddedHW: [72, 0], tokens: 648 });
  });

  it('transposed sizes differ in general', () => {
    expect([anyresLayout(640, 480).tokens, anyresLayout(480, 640).tokens]).toEqual([2340, 2352]);
  });

  it('extreme aspect ratios stay within the 576…2928 bounds', () => {
    for (const [w, h] of [[10000, 3], [3, 10000], [4096, 4096], [1009, 337], [1, 2], [2, 1]] as const) {
      const t = anyresLayout(w, h).tokens;
      expect(t).toBeGreaterThanOrEqual(576);
      expect(t).toBeLessThanOrEqual(2928);
    }
  });

  it('rejects non-positive or fractional sizes', () => {
    expect(() => anyresLayout(0, 10)).toThrow(RangeError);
    expect(() => anyresLayout(10.5, 10)).toThrow(RangeError);
  });
});

describe('AnyRes helpers', () => {
  it('resize_and_pad_image size: fit the limiting side, ceil the other', () => {
    expect(resizedWithin(640, 480, [672, 672])).toEqual([672, 504]);
    expect(resizedWithin(1920, 1080, [672, 672])).toEqual([672, 378]);
    expect(resizedWithin(500, 1500, [336, 1008])).toEqual([336, 1008]);
    expect(resizedWithin(88, 55, [336, 672])).toEqual([336, 210]);
  });
  it('unpad keeps current − 2·((current − new)//2)', () => {
    expect(unpaddedSize(1920, 1080, [48, 48])).toEqual([28, 48]);
    expect(unpaddedSize(480, 640, [48, 48])).toEqual([48, 36]);
  });
  it('scaled pinpoints and patch size for tiny test models (32 px tiles, patch 8)', () => {
    expect(defaultPinpoints(32)).toEqual([[32, 64], [64, 32], [64, 64], [96, 32], [32, 96]]);
    const l = anyresLayout(64, 48, { tileSize: 32, patchSize: 8 });
    expect(l).toMatchObject({ bestResolution: [64, 64], grid: { cols: 2, rows: 2 }, featureHW: [8, 8], unpaddedHW: [6, 8] });
    expect(l.tokens).toBe(16 + 6 * 8 + 6);
  });
  it('custom pinpoints', () => {
    expect(anyresLayout(1000, 500, { pinpoints: [[336, 336], [672, 336]] })).toMatchObject({ bestResolution: [672, 336], grid: { cols: 2, rows: 1 } });
  });
});
