import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { getFamily, type FamilyKey } from '../../src/families/index.ts';

/**
 * Pixel parity with PIL + numpy. test/image/golden/preprocess.json comes from
 * `/usr/bin/python3 scripts/golden/preprocess.py` (Debian PIL 9.4): every 97th value of each
 * normalised CHW tile (×1e4, int16) and per-channel means of the whole tile. Requirement: within
 * 2/255 (two 8-bit levels) after normalisation, i.e. |ours − PIL| · std ≤ 2/255.
 */
interface GoldenTile { shape: number[]; samples: string; channelMeans: number[] }
interface GoldenCase { name: string; family: FamilyKey; size: [number, number]; bestResolution?: [number, number]; tiles: GoldenTile[] }
const golden = JSON.parse(readFileSync(new URL('./golden/preprocess.json', import.meta.url), 'utf8')) as { stride: number; scale: number; cases: GoldenCase[] };

/** Same formula as scripts/golden/preprocess.py `pattern`. */
function pattern(w: number, h: number): Buffer {
  const a = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = Math.floor((x * 255) / (w - 1));
      let g = Math.floor((y * 255) / (h - 1));
      let b = (Math.floor(x / 23) + Math.floor(y / 17)) % 2 === 0 ? 230 : 25;
      if (Math.abs(x - y) < 2) [r, g, b] = [255, 255, 255];
      a.set([r, g, b], (y * w + x) * 3);
    }
  }
  return a;
}

const TOLERANCE = 2 / 255 + 1e-4; // in pixel units; 1e-4 covers the ×1e4 quantisation of the golden values

describe.each(golden.cases)('$name matches PIL', (c) => {
  it('every sampled value within 2/255 after normalisation; channel means agree', async () => {
    const [w, h] = c.size;
    const png = await sharp(pattern(w, h), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
    const family = getFamily(c.family);
    const p = await family.preprocess({ kind: 'buffer', data: png, name: `${c.name}.png` });
    expect(p.shape[0]).toBe(c.tiles.length);
    if (c.bestResolution) expect(p.grid?.bestResolution).toEqual(c.bestResolution);
    const std = family.vision.std;
    const per = p.shape[1] * p.shape[2] * p.shape[3];
    const plane = p.shape[2] * p.shape[3];
    let worst = 0;
    let sum = 0;
    let n = 0;
    c.tiles.forEach((tile, t) => {
      expect(tile.shape).toEqual(p.shape.slice(1));
      const bytes = Buffer.from(tile.samples, 'base64');
      const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
      samples.forEach((q, k) => {
        const idx = k * golden.stride;
        const channel = Math.floor(idx / plane);
        const diff = Math.abs(p.data[t * per + idx]! - q / golden.scale) * std[channel]!;
        worst = Math.max(worst, diff);
        sum += diff;
        n++;
      });
      for (let ch = 0; ch < 3; ch++) {
        let s = 0;
        for (let i = 0; i < plane; i++) s += p.data[t * per + ch * plane + i]!;
        // A shifted paste or a wrong pad colour moves the mean by far more than resampling noise does.
        expect(Math.abs(s / plane - tile.channelMeans[ch]!) * std[ch]!).toBeLessThan(0.5 / 255);
      }
    });
    console.log(`[parity] ${c.name}: max ${(worst * 255).toFixed(2)}/255, mean ${((sum / n) * 255).toFixed(3)}/255 over ${n} samples`);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });
});
