import { describe, expect, it } from 'vitest';
import { llamaCppImageTokens } from '../../../backends/llama-cpp/families.ts';
import { getFamily } from '../../../src/families/index.ts';

/**
 * What libmtmd evaluates per image (tools/mtmd/mtmd-image.cpp `get_slice_instructions`), worked by hand
 * for real LLaVA-1.6 tiles (336 px, patch 14: 576 tokens a tile, the five upstream pinpoints). The same
 * function is checked against a real llama-server on the tiny mmproj in server.test.ts.
 */
describe('llamaCppImageTokens', () => {
  const llava16 = getFamily('llava-1.6');

  it('an image no larger than one tile is not sliced: one tile of tokens', () => {
    expect(llamaCppImageTokens(llava16, 300, 200)).toBe(576);
    expect(llamaCppImageTokens(llava16, 336, 336)).toBe(576);
  });

  it('a larger image: overview + every tile of the best-resolution grid, no unpadding, no newlines', () => {
    // 640×480 → 672×672 (effective 307,200 px, the most): 2×2 tiles.
    expect(llamaCppImageTokens(llava16, 640, 480)).toBe(576 * 5);
    // 1000×300 → 1008×336 (scale 1.008 keeps all 300,000 px): 3×1 tiles.
    expect(llamaCppImageTokens(llava16, 1000, 300)).toBe(576 * 4);
    // 337×336: one pixel over the tile, so sliced (→ 672×336: 2×1).
    expect(llamaCppImageTokens(llava16, 337, 336)).toBe(576 * 3);
    // transformers counts the unpadded grid plus a newline per row instead.
    expect(llava16.imageTokens(640, 480)).toBe(576 + 36 * 49);
  });

  it('other families cost what the family says', () => {
    expect(llamaCppImageTokens(getFamily('llava-1.5'), 640, 480)).toBe(576);
  });
});
