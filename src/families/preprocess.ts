import type { ImageSource } from '../core/request.ts';
import { loadImage } from '../image/load.ts';
import { centerCrop, divideToTiles, normalizeToCHW, padResizeBicubic, padToSquare, pasteOnCanvas, resizeBicubic, resizeSharpCubic, resizeShortestEdge } from '../image/ops.ts';
import { createWorkerPool } from '../image/pool.ts';
import type { RawImage } from '../image/raw.ts';
import { anyresFor, fixedTokens, resolveVision } from './tokens.ts';
import type { PreprocessedImage, PreprocessOptions, VisionSpec } from './types.ts';

/** Each family's image pipeline, composed from the src/image steps (LLaVA `llava/mm_utils.py` `process_images`; TinyLLaVA-Factory and VILA image processors). */

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
    const color = v.padColor ?? [0, 0, 0];
    // The exact path pastes virtually (same pixels as padToSquare, without the padded canvas).
    square = opts.resampler === 'sharp' ? await resize(padToSquare(raw, color), size, size) : padResizeBicubic(raw, color, size, size);
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

/** preprocessFor on worker threads: same output, several images at once on several cores. */
export interface PreprocessPool {
  readonly threads: number;
  preprocess(v: VisionSpec, image: ImageSource, opts?: PreprocessOptions): Promise<PreprocessedImage>;
  close(): Promise<void>;
}

/**
 * Opt-in worker pool for preprocessing (default 2 threads, this kind of machine's cores). With the
 * WebAssembly resampler, two images in flight on the calling thread already keep 2 cores busy (sharp
 * decodes on libuv threads), so the pool pays off only when the calling thread has other work or the
 * per-image JS outgrows the decode (large AnyRes grids). Each call copies the encoded image in and
 * transfers the tensor out. bench/preprocess.bench.ts measures both.
 */
export async function createPreprocessPool(opts: { threads?: number } = {}): Promise<PreprocessPool> {
  const pool = await createWorkerPool<[VisionSpec, ImageSource, PreprocessOptions], PreprocessedImage>(new URL(import.meta.url), 'preprocessFor', opts);
  return { threads: pool.threads, preprocess: (v, image, o = {}) => pool.run(v, image, o), close: () => pool.close() };
}
