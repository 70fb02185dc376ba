import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../backends/http/images.ts';
import { materializeImages, tempFolder } from '../../backends/llama-cpp/images.ts';
import { loadImage } from '../../src/image/load.ts';

/**
 * `exifRotate` on an image source reaches every decoder: vlmbench's own (ONNX preprocessing), and the
 * engines that decode files themselves (llama.cpp via libmtmd, HTTP servers), which get an upright
 * PNG copy. Without it they all see the image as stored, as PIL does.
 */
const stored = new URL('./golden/decode/exif6.jpg', import.meta.url).pathname;
const size = async (bytes: Uint8Array) => { const m = await sharp(Buffer.from(bytes)).metadata(); return [m.width, m.height, m.orientation ?? 1]; };

describe('exifRotate on the image source', () => {
  it('loadImage honours it from the source', async () => {
    const a = await loadImage({ kind: 'path', path: stored });
    const b = await loadImage({ kind: 'path', path: stored, exifRotate: true });
    expect([a.width, a.height, b.width, b.height]).toEqual([23, 17, 17, 23]);
  });

  it('the http backend sends the stored bytes, or an upright PNG when asked', async () => {
    const plain = await encodeImage({ kind: 'path', path: stored });
    expect(Buffer.from(plain.bytes).equals(await readFile(stored))).toBe(true);
    const upright = await encodeImage({ kind: 'path', path: stored, exifRotate: true });
    expect(upright.mime).toBe('image/png');
    expect(await size(upright.bytes)).toEqual([17, 23, 1]);
  });

  it('the llama-cpp backend hands libmtmd the original path, or an upright PNG copy when asked', async () => {
    const tmp = tempFolder('vlmb-exif-');
    try {
      const plain = await materializeImages([{ kind: 'path', path: stored }], tmp.get);
      expect(plain.paths).toEqual([stored]);
      const upright = await materializeImages([{ kind: 'path', path: stored, exifRotate: true }, { kind: 'buffer', data: await readFile(stored), exifRotate: true }], tmp.get);
      for (const p of upright.paths) {
        expect(p.endsWith('.png')).toBe(true);
        expect(await size(await readFile(p))).toEqual([17, 23, 1]);
      }
      await upright.cleanup();
    } finally {
      await tmp.remove();
    }
  });
});
