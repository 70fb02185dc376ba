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

/**
 * Decode any image sharp reads (JPEG, PNG, WebP, GIF first frame, TIFF first page…) to raw 8-bit RGB:
 * EXIF orientation applied, grayscale/CMYK converted to sRGB, alpha dropped the way PIL's
 * `convert('RGB')` drops it (the colour under transparent pixels is kept, not composited), which is what
 * the upstream loaders do. Every failure is an ImageError naming the file.
 */
export async function loadImage(src: ImageSource, opts: { maxPixels?: number } = {}): Promise<RawImage> {
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
    const { data, info } = await sharp(input, { limitInputPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'truncated', pages: 1, autoOrient: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new ImageError(`cannot decode image: ${describeSharpError(err)}`, { file: name, cause: err, hint: hintFor(err) });
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
