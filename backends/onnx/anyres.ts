/**
 * LLaVA-1.6 feature assembly (`llava_arch.py`, mm_patch_merge_type 'spatial_unpad'): base-image
 * features first, then the tile features laid out as one (rows·side) × (cols·side) map, cropped to
 * the image's aspect ratio (unpad), each kept row followed by the learned image_newline.
 */

export interface AnyResFeatureInput {
  /** Vision encoder output [1 + rows·cols, side·side, dim], base image first, tiles row-major. */
  features: Float32Array;
  dim: number;
  /** Features per tile side (tile size / patch size). */
  side: number;
  grid: { cols: number; rows: number };
  /** Feature map after unpadding, [height, width] (from the family's AnyRes layout). */
  unpaddedHW: [number, number];
  newline: Float32Array;
}

export function assembleAnyResFeatures(input: AnyResFeatureInput): Float32Array {
  const { features, dim, side, grid, newline } = input;
  const [keepH, keepW] = input.unpaddedHW;
  const perTile = side * side;
  const fullH = grid.rows * side;
  const fullW = grid.cols * side;
  // unpad_image keeps the centre: `current − 2·pad` rows (or columns).
  const top = (fullH - keepH) / 2;
  const left = (fullW - keepW) / 2;
  const out = new Float32Array((perTile + keepH * (keepW + 1)) * dim);
  out.set(features.subarray(0, perTile * dim), 0);
  let o = perTile * dim;
  for (let y = top; y < top + keepH; y++) {
    const tileRow = Math.floor(y / side);
    for (let x = left; x < left + keepW; x++) {
      const tile = 1 + tileRow * grid.cols + Math.floor(x / side);
      const src = (tile * perTile + (y % side) * side + (x % side)) * dim;
      out.set(features.subarray(src, src + dim), o);
      o += dim;
    }
    out.set(newline, o);
    o += dim;
  }
  return out;
}
