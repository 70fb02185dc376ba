import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImageError } from '../../src/core/errors.ts';
import type { ImageSource } from '../../src/core/request.ts';
import { uprightCopy } from '../../src/image/load.ts';

/**
 * libmtmd reads images from paths (stb_image decodes them), so buffers are written to a private temp
 * folder for the duration of one request and removed afterwards.
 */
export interface ImageFiles {
  paths: string[];
  cleanup(): Promise<void>;
}

function extensionOf(data: Uint8Array, name?: string): string {
  const ext = name ? path.extname(name) : '';
  if (ext) return ext;
  if (data[0] === 0x89 && data[1] === 0x50) return '.png';
  if (data[0] === 0xff && data[1] === 0xd8) return '.jpg';
  return '.img';
}

export async function materializeImages(images: ImageSource[], tmpRoot: () => Promise<string>): Promise<ImageFiles> {
  const paths: string[] = [];
  const written: string[] = [];
  const cleanup = async (): Promise<void> => { await Promise.all(written.map((f) => rm(f, { force: true }))); };
  try {
    for (const [i, image] of images.entries()) {
      if (image.kind === 'path') {
        await access(image.path).catch((err: unknown) => {
          throw new ImageError(`image file not found: ${image.path}`, { file: image.path, cause: err, hint: 'check the dataset folder' });
        });
        // stb_image ignores EXIF orientation (as PIL does); with exifRotate an upright copy goes instead.
        const upright = image.exifRotate ? await uprightCopy(image, await readFile(image.path)) : undefined;
        if (!upright) {
          paths.push(path.resolve(image.path));
          continue;
        }
        const file = path.join(await tmpRoot(), `${process.pid}-${Date.now()}-${i}.png`);
        written.push(file);
        await writeFile(file, upright);
        paths.push(file);
        continue;
      }
      if (image.data.length === 0) throw new ImageError(`image ${image.name ?? i} is empty`, { file: image.name });
      const upright = await uprightCopy(image, image.data);
      const file = path.join(await tmpRoot(), `${process.pid}-${Date.now()}-${i}${upright ? '.png' : extensionOf(image.data, image.name)}`);
      written.push(file);
      await writeFile(file, upright ?? image.data);
      paths.push(file);
    }
  } catch (err) {
    // The caller only gets cleanup() on success: remove what this call wrote before failing.
    await cleanup();
    throw err;
  }
  return { paths, cleanup };
}

/** A lazily created per-backend temp folder. */
export function tempFolder(prefix: string): { get: () => Promise<string>; remove: () => Promise<void> } {
  let dir: Promise<string> | undefined;
  return {
    get: () => (dir ??= mkdtemp(path.join(os.tmpdir(), prefix))),
    remove: async () => { if (dir) await rm(await dir, { recursive: true, force: true }); },
  };
}
