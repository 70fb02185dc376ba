import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadImage } from '../../src/image/load.ts';

/**
 * Decoding parity with the upstream loaders' `Image.open(f).convert('RGB')`. The files under
 * golden/decode/ and every pixel PIL decodes from them (golden/decode.json) come from
 * `/usr/bin/python3 scripts/golden/preprocess.py` (Debian Pillow 9.4). Exact equality is required.
 */
interface DecodeCase { file: string; mode: string; exifRotate: boolean; width: number; height: number; rgb: string }
const golden = JSON.parse(readFileSync(new URL('./golden/decode.json', import.meta.url), 'utf8')) as { pil: string; cases: DecodeCase[] };
const fileOf = (name: string) => new URL(`./golden/decode/${name}`, import.meta.url).pathname;

describe.each(golden.cases)('$file (PIL mode $mode, exifRotate $exifRotate) decodes as PIL does', (c) => {
  it('same size, every pixel equal', async () => {
    const img = await loadImage({ kind: 'path', path: fileOf(c.file) }, { exifRotate: c.exifRotate });
    expect([img.width, img.height]).toEqual([c.width, c.height]);
    const want = Buffer.from(c.rgb, 'base64');
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(img.data[i]! - want[i]!));
    expect(img.data.length).toBe(want.length);
    expect(diff).toBe(0);
  });
});

describe('the cases catch the ways a colour-managed decoder differs from PIL', () => {
  it("sharp's own CMYK → sRGB conversion (a CMYK profile) is not Pillow's formula", async () => {
    const c = golden.cases.find((x) => x.file === 'cmyk.jpg')!;
    const { data } = await sharp(fileOf(c.file)).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const want = Buffer.from(c.rgb, 'base64');
    let sum = 0;
    for (let i = 0; i < want.length; i++) sum += Math.abs(data[i]! - want[i]!);
    expect(sum / want.length).toBeGreaterThan(3);
  });

  it('16-bit greyscale is clipped (PIL mode I), not scaled; EXIF orientation is not applied by default', async () => {
    const g = golden.cases.find((x) => x.file === 'gray16.png')!;
    const scaled = await sharp(fileOf(g.file)).toColourspace('srgb').raw().toBuffer();
    expect(scaled.equals(Buffer.from(g.rgb, 'base64'))).toBe(false);
    const asStored = golden.cases.find((x) => x.file === 'exif6.jpg' && !x.exifRotate)!;
    const upright = golden.cases.find((x) => x.file === 'exif6.jpg' && x.exifRotate)!;
    expect([asStored.width, asStored.height]).toEqual([upright.height, upright.width]);
    const img = await loadImage({ kind: 'path', path: fileOf('exif6.jpg') });
    expect([img.width, img.height]).toEqual([asStored.width, asStored.height]);
  });
});
