import type { ImageSource } from '../core/request.ts';
import { loadImage } from '../image/load.ts';
import { centerCrop, divideToTiles, normalizeToCHW, padToSquare, pasteOnCanvas, resizeBicubic, resizeSharpCubic, resizeShortestEdge } from '../image/ops.ts';
import type { RawImage } from '../image/raw.ts';
import { anyresFor, fixedTokens, resolveVision } from './tokens.ts';
import type { PreprocessedImage, PreprocessOptions, VisionSpec } from './types.ts';

/** Each family's image pipeline, composed from the src/image steps (models.md §2, §6). */

export async function preprocessFor(
  v: VisionSpec, image: ImageSource, opts: PreprocessOptions = {},
): Promise<PreprocessedImage> {
  const raw = await loadImage(image, { maxPixels: opts.maxPixels });
  return preprocessRaw(v, raw, opts);
}

/** The same pipeline from already-decoded pixels (benchmarks, backends that decode once). */
export async function preprocessRaw(v: VisionSpec, raw: RawImage, opts: PreprocessOptions = {}): Promise<PreprocessedImage> {
  const size = resolveVision(v, opts).imageSize;
  const resize = opts.resampler === 'sharp' ? resizeSharpCubic : resizeBicubic;
  const originalSize = { width: raw.width, height: raw.height };
  if (v.mode === 'anyres') {
    const layout = anyresFor(v, raw.width, raw.height, opts);
    const [tw, th] = layout.bestResolution;
    const [rw, rh] = layout.resized;
    // resize_and_pad_image: resize into the chosen resolution, centre on black; then the plain-resized base.
    const fitted = await resize(raw, rw, rh);
    const padded = pasteOnCanvas(fitted, tw, th, Math.floor((tw - rw) / 2), Math.floor((th - rh) / 2), [0, 0, 0]);
    const patches = [await resize(raw, size, size), ...divideToTiles(padded, size)];
    return {
      ...toTensor(patches, v, size), originalSize, tokens: layout.tokens,
      grid: { ...layout.grid, bestResolution: layout.bestResolution, unpaddedHW: layout.unpaddedHW },
    };
  }
  let square: RawImage;
  if (v.mode === 'crop') {
    square = centerCrop(await resizeShortestEdge(raw, size, resize), size, size);
  } else if (v.mode === 'pad') {
    // expand2square, then the processor's shortest-edge resize + centre crop: a plain resize on a square.
    square = await resize(padToSquare(raw, v.padColor ?? [0, 0, 0]), size, size);
  } else {
    square = await resize(raw, size, size);
  }
  return { ...toTensor([square], v, size), originalSize, tokens: fixedTokens(v, opts) };
}

function toTensor(patches: RawImage[], v: VisionSpec, size: number): Pick<PreprocessedImage, 'data' | 'shape'> {
  const per = 3 * size * size;
  const data = new Float32Array(per * patches.length);
  patches.forEach((p, i) => normalizeToCHW(p, v.mean, v.std, data, i * per));
  return { data, shape: [patches.length, 3, size, size] };
}
