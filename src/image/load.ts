import { readFile } from 'node:fs/promises';
import { ImageError } from '../core/errors.ts';
import type { ImageSource } from '../core/request.ts';
import { importSharp, type RawImage } from './raw.ts';

/**
 * PIL's decompression-bomb limit: Image.open raises DecompressionBombError above 2 × MAX_IMAGE_PIXELS
 * (89,478,485). sharp checks it from the header, before decoding anything.
 */
export const DEFAULT_MAX_PIXELS = 178_956_970;

export function imageName(src: ImageSource): string {
  return src.kind === 'path' ? src.path : (src.name ?? '<image buffer>');
}

export interface LoadImageOptions {
  maxPixels?: number;
  /**
   * Apply the EXIF orientation tag (rotate/flip upright). Default false: upstream loaders
   * (`Image.open(path).convert('RGB')`) do not, so a rotated phone photo reaches the model as stored.
   */
  exifRotate?: boolean;
}

/**
 * Decode any image sharp reads (JPEG, PNG, WebP, GIF first frame, TIFF first page…) to raw 8-bit RGB
 * with the pixels PIL's `Image.open(...).convert('RGB')` gives, which is what the upstream loaders use:
 * - no EXIF rotation (unless `exifRotate`), no ICC colour management (PIL ignores embedded profiles);
 * - CMYK with Pillow's plain formula (`cmyk2rgb` in Pillow `src/libImaging/Convert.c`), not a profile;
 * - alpha dropped, not composited (the colour under transparent pixels is kept), palettes expanded;
 * - 16-bit greyscale opens as PIL mode `I` and converts by clipping to 0–255 (not by scaling);
 *   16-bit RGB(A) keeps the high byte.
 * Every failure is an ImageError naming the file.
 */
export async function loadImage(src: ImageSource, opts: LoadImageOptions = {}): Promise<RawImage> {
  const name = imageName(src);
  let input: Buffer;
  if (src.kind === 'path') {
    try {
      input = await readFile(src.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ImageError(code === 'ENOENT' ? 'image file not found' : `cannot read image (${code ?? String(err)})`, {
        file: name, cause: err, hint: 'check the dataset path and the image file name',
      });
    }
  } else {
    input = Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength);
  }
  if (input.length === 0) throw new ImageError('image file is empty (0 bytes)', { file: name, hint: 're-download or regenerate the image' });
  const sharp = await importSharp();
  try {
    const open = () => sharp(input, {
      limitInputPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'truncated', pages: 1, autoOrient: opts.exifRotate ?? src.exifRotate ?? false, ignoreIcc: true,
    });
    const meta = await open().metadata();
    if (meta.space === 'cmyk') {
      const { data, info } = await open().pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) throw new Error(`CMYK decoded to ${info.channels} channels, expected 4`);
      return { data: cmykToRgb(data), width: info.width, height: info.height };
    }
    if (meta.depth === 'ushort' && (meta.channels ?? 0) - (meta.hasAlpha ? 1 : 0) === 1 && !meta.hasAlpha) {
      const { data, info } = await open().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
      return { data: clipGrey16ToRgb(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)), width: info.width, height: info.height };
    }
    const { data, info } = await open().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new ImageError(`cannot decode image: ${describeSharpError(err)}`, { file: name, cause: err, hint: hintFor(err) });
  }
}

/** Pillow `cmyk2rgb`: nk = 255 − K; each of R, G, B = nk − MULDIV255(C|M|Y, nk), with Pillow's rounding. */
export function cmykToRgb(cmyk: Uint8Array): Buffer {
  const n = cmyk.length / 4;
  const out = Buffer.allocUnsafe(n * 3);
  const muldiv255 = (a: number, b: number) => { const t = a * b + 128; return ((t >> 8) + t) >> 8; };
  for (let i = 0; i < n; i++) {
    const nk = 255 - cmyk[i * 4 + 3]!;
    out[i * 3] = nk - muldiv255(cmyk[i * 4]!, nk);
    out[i * 3 + 1] = nk - muldiv255(cmyk[i * 4 + 1]!, nk);
    out[i * 3 + 2] = nk - muldiv255(cmyk[i * 4 + 2]!, nk);
  }
  return out;
}

/** PIL mode `I` → RGB: each value clipped to 0–255 and repeated in R, G, B. */
function clipGrey16ToRgb(grey: Uint16Array): Buffer {
  const out = Buffer.allocUnsafe(grey.length * 3);
  for (let i = 0; i < grey.length; i++) {
    const v = Math.min(255, grey[i]!);
    out[i * 3] = v; out[i * 3 + 1] = v; out[i * 3 + 2] = v;
  }
  return out;
}

/**
 * For engines that decode the file themselves (llama.cpp's stb_image, an HTTP server): when the source
 * asks for exifRotate and the file carries a non-identity EXIF orientation, the upright image as a
 * lossless PNG; otherwise undefined (send the original bytes).
 */
export async function uprightCopy(src: ImageSource, bytes: Uint8Array): Promise<Buffer | undefined> {
  if (!src.exifRotate) return undefined;
  const sharp = await importSharp();
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const { orientation } = await sharp(input).metadata();
    if (orientation === undefined || orientation === 1) return undefined;
    return await sharp(input, { autoOrient: true, pages: 1 }).png().toBuffer();
  } catch (err) {
    throw new ImageError(`cannot decode image: ${describeSharpError(err)}`, { file: imageName(src), cause: err, hint: hintFor(err) });
  }
}

function describeSharpError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.trim();
}

function hintFor(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) return 'the image header declares more pixels than allowed (decompression-bomb guard); raise maxPixels only for trusted files';
  if (/unsupported image format/i.test(msg)) return 'the file is not an image sharp can read (JPEG, PNG, WebP, GIF, TIFF, AVIF); check its contents, not its extension';
  return 'the file is truncated or corrupt; re-download or regenerate it';
}
