import type { Sharp, SharpOptions } from 'sharp';

/** Interleaved 8-bit RGB pixels, row-major: data.length === width * height * 3. */
export interface RawImage { data: Buffer; width: number; height: number }

export type SharpFactory = (input?: Buffer | string, options?: SharpOptions) => Sharp;

let sharpPromise: Promise<SharpFactory> | undefined;

/** sharp is native and heavy: load it on first use only. */
export function importSharp(): Promise<SharpFactory> {
  sharpPromise ??= import('sharp').then((m) => m.default as unknown as SharpFactory);
  return sharpPromise;
}

export function rawOptions(img: RawImage): SharpOptions {
  return { raw: { width: img.width, height: img.height, channels: 3 } };
}
