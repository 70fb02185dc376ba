import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError } from '../../src/core/errors.ts';
import { getFamily } from '../../src/families/index.ts';
import { loadImage } from '../../src/image/index.ts';

let dir: string;
const W = 40;
const H = 30;

/** Seeded RGBA pattern: pixel i = (i, 7i, 13i) mod 256, alpha 0 on odd pixels. */
function pattern(alpha: boolean): Buffer {
  const c = alpha ? 4 : 3;
  const buf = Buffer.alloc(W * H * c);
  for (let i = 0; i < W * H; i++) {
    buf[i * c] = i % 256; buf[i * c + 1] = (i * 7) % 256; buf[i * c + 2] = (i * 13) % 256;
    if (alpha) buf[i * c + 3] = i % 2 ? 0 : 255;
  }
  return buf;
}
const rgba = () => sharp(pattern(true), { raw: { width: W, height: H, channels: 4 } });
const rgb = () => sharp(pattern(false), { raw: { width: W, height: H, channels: 3 } });
const file = (name: string) => path.join(dir, name);

/** A PNG whose IHDR declares width×height (valid CRCs) followed by a tiny IDAT and IEND: a bomb's header. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const t = Buffer.from(type);
    const len = Buffer.alloc(4); len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([t, body])));
    return Buffer.concat([len, t, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vlmbench-img-'));
  await rgba().png().toFile(file('alpha.png'));
  await rgb().png().toFile(file('rgb.png'));
  await rgb().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file('rot6.jpg'));
  await rgb().grayscale().png().toFile(file('gray.png'));
  await rgb().toColourspace('cmyk').jpeg().toFile(file('cmyk.jpg'));
  await rgba().gif().toFile(file('anim.gif'));
  await rgb().tiff({ compression: 'lzw' }).toFile(file('img.tiff'));
  await rgb().webp({ lossless: true }).toFile(file('img.webp'));
  const jpeg = await rgb().jpeg().toBuffer();
  await writeFile(file('truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  const png = await rgb().png().toBuffer();
  await writeFile(file('truncated.png'), png.subarray(0, png.length - 30));
  await writeFile(file('empty.png'), Buffer.alloc(0));
  await writeFile(file('text.png'), 'this is not an image\n');
  await writeFile(file('bomb.png'), pngHeader(50000, 50000));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('loadImage', () => {
  it('drops alpha like PIL convert("RGB"): the colour under transparent pixels is kept', async () => {
    const img = await loadImage({ kind: 'path', path: file('alpha.png') });
    expect([img.width, img.height, img.data.length]).toEqual([W, H, W * H * 3]);
    expect([...img.data.subarray(0, 6)]).toEqual([0, 0, 0, 1, 7, 13]); // pixel 1 has alpha 0
  });

  it('keeps the stored orientation by default (as PIL does); exifRotate applies EXIF 6 = rotate 90° clockwise', async () => {
    const stored = await loadImage({ kind: 'path', path: file('rot6.jpg') });
    expect([stored.width, stored.height]).toEqual([W, H]);
    const img = await loadImage({ kind: 'path', path: file('rot6.jpg') }, { exifRotate: true });
    expect([img.width, img.height]).toEqual([H, W]);
  });

  it('reads grayscale, CMYK, GIF (first frame), TIFF and WebP as 3-channel RGB', async () => {
    for (const name of ['gray.png', 'cmyk.jpg', 'anim.gif', 'img.tiff', 'img.webp']) {
      const img = await loadImage({ kind: 'path', path: file(name) });
      expect([name, img.width, img.height, img.data.length]).toEqual([name, W, H, W * H * 3]);
    }
    const gray = await loadImage({ kind: 'path', path: file('gray.png') });
    expect(gray.data[3]).toBe(gray.data[4]);
    const tiff = await loadImage({ kind: 'path', path: file('img.tiff') });
    expect([...tiff.data.subarray(0, 6)]).toEqual([0, 0, 0, 1, 7, 13]); // lossless
  });

  it('accepts buffers', async () => {
    const data = await rgb().png().toBuffer();
    const img = await loadImage({ kind: 'buffer', data, name: 'mem.png' });
    expect([...img.data.subarray(3, 6)]).toEqual([1, 7, 13]);
  });
});

describe('bad images give an ImageError naming the file', () => {
  const cases: Array<[string, RegExp]> = [
    ['truncated.jpg', /cannot decode image/],
    ['truncated.png', /cannot decode image/],
    ['empty.png', /empty \(0 bytes\)/],
    ['text.png', /cannot decode image/],
    ['bomb.png', /pixel limit/],
    ['missing.png', /not found/],
  ];
  it.each(cases)('%s', async (name, message) => {
    const err = await loadImage({ kind: 'path', path: file(name) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).file).toBe(file(name));
    expect((err as ImageError).message).toMatch(message);
    expect((err as ImageError).hint).toBeTruthy();
  });

  it('the pixel limit is configurable', async () => {
    const err = await loadImage({ kind: 'path', path: file('rgb.png') }, { maxPixels: 100 }).catch((e: unknown) => e);
    expect((err as ImageError).message).toMatch(/pixel limit/);
  });

  it('family preprocessing surfaces the same error', async () => {
    const err = await getFamily('llava-1.5').preprocess({ kind: 'buffer', data: Buffer.from('GIF89a garbage'), name: 'q1.gif' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).file).toBe('q1.gif');
  });
});
