import { describe, expect, it } from 'vitest';
import { assembleAnyResFeatures } from '../../../backends/onnx/anyres.ts';
import { getFamily } from '../../../src/families/index.ts';
import { noAbort, request, testImage, tinyBackend, tinyModels } from './helpers.ts';

/** dim-1 features whose value encodes tile·100 + position-in-tile, so order is visible. */
function codedFeatures(tiles: number, perTile: number): Float32Array {
  return Float32Array.from({ length: tiles * perTile }, (_, i) => Math.floor(i / perTile) * 100 + (i % perTile));
}

describe('LLaVA-1.6 AnyRes feature assembly', () => {
  it('base first, then the tile grid row by row with one newline per row', () => {
    // 2×2 features per tile, a 2-wide × 1-high grid → a 2×4 map.
    const out = assembleAnyResFeatures({
      features: codedFeatures(3, 4), dim: 1, side: 2, grid: { cols: 2, rows: 1 }, unpaddedHW: [2, 4], newline: Float32Array.of(-1),
    });
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 100, 101, 200, 201, -1, 102, 103, 202, 203, -1]);
  });

  it('unpadding keeps the centre columns (or rows) of the map', () => {
    const cols = assembleAnyResFeatures({
      features: codedFeatures(3, 4), dim: 1, side: 2, grid: { cols: 2, rows: 1 }, unpaddedHW: [2, 2], newline: Float32Array.of(-1),
    });
    expect(Array.from(cols.subarray(4))).toEqual([101, 200, -1, 103, 202, -1]);
    const rows = assembleAnyResFeatures({
      features: codedFeatures(3, 4), dim: 1, side: 2, grid: { cols: 1, rows: 2 }, unpaddedHW: [2, 2], newline: Float32Array.of(-1),
    });
    expect(Array.from(rows.subarray(4))).toEqual([102, 103, -1, 200, 201, -1]);
  });

  it('the tiny 1.6 export runs tiles through the encoder and uses the family token count', async () => {
    const { llava16 } = await tinyModels();
    const backend = await tinyBackend(llava16, 'llava-1.6');
    const family = getFamily('llava-1.6');
    const overrides = { imageSize: 32, patchSize: 4, pinpoints: [[32, 64], [64, 32], [64, 64]] as Array<[number, number]> };
    const wide = await backend.generate(request(await testImage(80, 40, [200, 30, 30], [30, 30, 200]), 'Hi'), noAbort());
    const tall = await backend.generate(request(await testImage(30, 70, [200, 30, 30], [30, 30, 200]), 'Hi'), noAbort());
    expect(wide.usage.imageTokens).toBe(family.imageTokens(80, 40, overrides));
    expect(tall.usage.imageTokens).toBe(family.imageTokens(30, 70, overrides));
    expect(wide.usage.imageTokens).toBeGreaterThan(64 * 2);
    expect(wide.usage.imageTokens).not.toBe(tall.usage.imageTokens);
    const again = await backend.generate(request(await testImage(80, 40, [200, 30, 30], [30, 30, 200]), 'Hi'), noAbort());
    expect(again.text).toBe(wide.text);
    const splice = await tinyBackend(llava16, 'llava-1.6', { merge: 'splice' });
    const spliced = await splice.generate(request(await testImage(80, 40, [200, 30, 30], [30, 30, 200]), 'Hi'), noAbort());
    expect(spliced.text).toBe(wide.text);
    expect(spliced.usage.promptTokens).toBe(wide.usage.promptTokens);
    await splice.close?.();
    await backend.close?.();
  });
});
