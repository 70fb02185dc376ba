/**
 * LLaVA-1.6 AnyRes geometry (`llava/mm_utils.py` select_best_resolution / resize_and_pad_image /
 * get_anyres_image_grid_shape and `llava_arch.py` unpad_image). Everything is (width, height) as
 * upstream; the float operations are done in the same order with doubles so edge cases (88×55 → 926)
 * truncate the same way.
 */

export type Pinpoint = readonly [width: number, height: number];

/** llava-hf `image_grid_pinpoints`, read as (width, height) by select_best_resolution. */
export const DEFAULT_PINPOINTS: readonly Pinpoint[] = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]];

export interface AnyResOptions {
  /** Tile (and base image) side in pixels: the vision tower's image size. Default 336. */
  tileSize?: number;
  /** ViT patch size. Default 14 (24 features per 336 side). */
  patchSize?: number;
  /** Candidate resolutions; default: DEFAULT_PINPOINTS scaled by tileSize/336. */
  pinpoints?: readonly Pinpoint[];
}

export interface AnyResLayout {
  bestResolution: [number, number];
  /** Tiles across and down. */
  grid: { cols: number; rows: number };
  /** Feature map before unpadding, [height, width]. */
  featureHW: [number, number];
  /** Feature map after unpadding, [height, width]. */
  unpaddedHW: [number, number];
  /** Size of the image pasted into bestResolution before tiling, [width, height]. */
  resized: [number, number];
  tokens: number;
}

const trunc = Math.trunc;

export function defaultPinpoints(tileSize = 336): Pinpoint[] {
  return DEFAULT_PINPOINTS.map(([w, h]) => [(w / 336) * tileSize, (h / 336) * tileSize] as const);
}

/**
 * Max effective resolution, then min waste; a full tie keeps the earlier pinpoint. `float32`: the scale
 * and scaled sizes in single precision, as llama.cpp's copy of the rule computes them
 * (tools/mtmd/mtmd-image.cpp `mtmd_image_preprocessor_llava_uhd::select_best_resolution`).
 */
export function selectBestResolution(width: number, height: number, pinpoints: readonly Pinpoint[], opts: { float32?: boolean } = {}): [number, number] {
  const f = opts.float32 ? Math.fround : (x: number) => x;
  let best: [number, number] | undefined;
  let maxEffective = 0;
  let minWasted = Infinity;
  for (const [w, h] of pinpoints) {
    const scale = Math.min(f(w / width), f(h / height));
    const dw = trunc(f(width * scale));
    const dh = trunc(f(height * scale));
    const effective = Math.min(dw * dh, width * height);
    const wasted = w * h - effective;
    if (effective > maxEffective || (effective === maxEffective && wasted < minWasted)) {
      maxEffective = effective;
      minWasted = wasted;
      best = [w, h];
    }
  }
  if (!best) throw new RangeError(`no pinpoint fits a ${width}x${height} image`);
  return best;
}

/** resize_and_pad_image: size the image takes inside the target before centring on black. */
export function resizedWithin(width: number, height: number, target: readonly [number, number]): [number, number] {
  const [tw, th] = target;
  const sw = tw / width;
  const sh = th / height;
  return sw < sh ? [tw, Math.min(Math.ceil(height * sw), th)] : [Math.min(Math.ceil(width * sh), tw), th];
}

/** unpad_image on a [height, width] feature map of an image of the given original size. */
export function unpaddedSize(width: number, height: number, featureHW: readonly [number, number]): [number, number] {
  const [ch, cw] = featureHW;
  const originalAspect = width / height;
  const currentAspect = cw / ch;
  if (originalAspect > currentAspect) {
    const scale = cw / width;
    const newH = trunc(height * scale);
    const pad = Math.floor((ch - newH) / 2);
    return [ch - 2 * pad, cw];
  }
  const scale = ch / height;
  const newW = trunc(width * scale);
  const pad = Math.floor((cw - newW) / 2);
  return [ch, cw - 2 * pad];
}

export function anyresLayout(width: number, height: number, opts: AnyResOptions = {}): AnyResLayout {
  if (!(width > 0 && height > 0) || !Number.isInteger(width) || !Number.isInteger(height)) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  const tile = opts.tileSize ?? 336;
  const side = Math.floor(tile / (opts.patchSize ?? 14));
  const best = selectBestResolution(width, height, opts.pinpoints ?? defaultPinpoints(tile));
  // get_anyres_image_grid_shape divides by the crop size (the "patch_size" argument there is 336).
  const cols = Math.floor(best[0] / tile);
  const rows = Math.floor(best[1] / tile);
  const featureHW: [number, number] = [rows * side, cols * side];
  const unpaddedHW = unpaddedSize(width, height, featureHW);
  // Base image, then every kept row of the grid followed by one image_newline token.
  const tokens = side * side + unpaddedHW[0] * unpaddedHW[1] + unpaddedHW[0];
  return { bestResolution: best, grid: { cols, rows }, featureHW, unpaddedHW, resized: resizedWithin(width, height, best), tokens };
}
