import { readFile } from 'node:fs/promises';
import { ImageError } from '../../src/core/errors.ts';
import type { ImageSource } from '../../src/core/request.ts';
import { uprightCopy } from '../../src/image/load.ts';

/**
 * Images travel as base64 data URLs (the one form trtllm-serve, vLLM, llama-server and the Triton
 * ensemble's image_url_input all accept). Encoding happens before the request clock starts.
 */

/** MIME type from the file's magic bytes; the extension is not trusted. */
export function sniffImageMime(b: Uint8Array): string | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 &&
      b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  return undefined;
}

export function imageName(src: ImageSource): string {
  return src.kind === 'path' ? src.path : (src.name ?? '<buffer>');
}

export async function readImageBytes(src: ImageSource): Promise<Uint8Array> {
  if (src.kind === 'buffer') return src.data;
  try {
    return await readFile(src.path);
  } catch (err) {
    throw new ImageError(`cannot read image ${src.path}`, { file: src.path, cause: err, hint: 'check the path exists and is readable' });
  }
}

export interface EncodedImage { mime: string; base64: string; bytes: Uint8Array; dataUrl: string }

export async function encodeImage(src: ImageSource): Promise<EncodedImage> {
  const stored = await readImageBytes(src);
  // The server decodes the bytes itself, without EXIF rotation (PIL, stb_image): send an upright copy when asked.
  const bytes = (await uprightCopy(src, stored)) ?? stored;
  const mime = sniffImageMime(bytes);
  if (!mime) {
    throw new ImageError(`${imageName(src)} is not a PNG, JPEG, GIF, WebP or BMP image`, {
      file: src.kind === 'path' ? src.path : undefined, hint: 'convert the image to PNG or JPEG',
    });
  }
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return { mime, base64, bytes, dataUrl: `data:${mime};base64,${base64}` };
}
