import { anyresLayout, type AnyResLayout } from './anyres.ts';
import type { VisionOverrides, VisionSpec } from './types.ts';

/** Image-token arithmetic per preprocessing mode; pure, no image needed. */

export interface ResolvedVision { imageSize: number; patchSize: number; pinpoints?: VisionOverrides['pinpoints'] }

export function resolveVision(v: VisionSpec, o: VisionOverrides = {}): ResolvedVision {
  return { imageSize: o.imageSize ?? v.imageSize, patchSize: o.patchSize ?? v.patchSize, pinpoints: o.pinpoints };
}

/** Features per side of one vision-tower pass (SigLIP 384/14 → 27: the conv drops the remainder). */
export const featuresPerSide = (r: ResolvedVision): number => Math.floor(r.imageSize / r.patchSize);

/** Tokens of one fixed-size image (every mode but AnyRes). */
export function fixedTokens(v: VisionSpec, o: VisionOverrides = {}): number {
  let side = featuresPerSide(resolveVision(v, o));
  // mlp_downsample merges 2×2 neighbours after zero-padding odd grids (27 → 28 → 14).
  if (v.downsample) side = Math.ceil(side / v.downsample);
  return side * side - (v.dropFirstPatch ? 1 : 0);
}

export function anyresFor(v: VisionSpec, width: number, height: number, o: VisionOverrides = {}): AnyResLayout {
  const r = resolveVision(v, o);
  return anyresLayout(width, height, { tileSize: r.imageSize, patchSize: r.patchSize, pinpoints: r.pinpoints });
}

export function imageTokensFor(v: VisionSpec, width: number, height: number, o: VisionOverrides = {}): number {
  return v.mode === 'anyres' ? anyresFor(v, width, height, o).tokens : fixedTokens(v, o);
}
