import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageSource } from '../core/request.ts';

/**
 * Images a request sends as bytes (MMBench and SEED keep them base64 inside their TSV/JSON, not as
 * files) are written once into `<run>/images/<sha1>.<ext>`, so the record can name a file like any
 * other sample: the report's thumbnails and a person debugging "what did we send" both find it.
 */
export function createSentImageStore(runDir: string): (image: ImageSource) => Promise<string> {
  const written = new Map<string, Promise<string>>();
  const dir = path.join(runDir, 'images');
  return (image) => {
    if (image.kind === 'path') return Promise.resolve(image.path);
    const hash = createHash('sha1').update(image.data).digest('hex');
    let file = written.get(hash);
    if (!file) {
      const ext = sniffExtension(image.data);
      const target = path.join(dir, `${hash}${ext}`);
      file = mkdir(dir, { recursive: true }).then(() => writeFile(target, image.data)).then(() => target);
      written.set(hash, file);
    }
    return file;
  };
}

/** The file extension of encoded image bytes (JPEG, PNG, WebP, GIF; else .bin). */
function sniffExtension(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return '.jpg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return '.png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57) return '.webp';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return '.gif';
  return '.bin';
}
