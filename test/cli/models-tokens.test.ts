import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyresLayout } from '../../src/families/index.ts';
import { runCli } from '../helpers/cli.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'vlmbench-models-tokens-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('vlmbench models tokens', () => {
  it('worked sizes and edge cases (LLaVA `llava/mm_utils.py` AnyRes arithmetic) as JSON', async () => {
    const sizes: Array<[string, number]> = [
      ['336x336', 1176], ['640x480', 2340], ['1920x1080', 1948], ['500x1500', 2376], ['672x672', 2928],
      ['480x640', 2352], ['88x55', 926], ['1000x1', 576], ['5000x50', 576], ['1x1000', 648], ['2000x100', 868],
    ];
    const r = await runCli(['models', 'tokens', ...sizes.flatMap(([s]) => ['--size', s]), '--json']);
    expect(r.code).toBe(0);
    const { family, rows } = JSON.parse(r.stdout) as { family: string; rows: Array<{ tokens: number }> };
    expect(family).toBe('llava-1.6');
    expect(rows.map((x) => x.tokens)).toEqual(sizes.map(([, t]) => t));
    expect(rows[2]).toEqual({ width: 1920, height: 1080, best_resolution: [672, 672], grid: [2, 2], unpadded_hw: [28, 48], tokens: 1948 });
    expect(rows[3]).toMatchObject({ best_resolution: [336, 1008], grid: [1, 3], unpadded_hw: [72, 24] });
  });

  it('text output names resolution, grid, unpadded map and tokens', async () => {
    const r = await runCli(['models', 'tokens', '--size', '640x480']);
    expect(r.stdout).toContain('640x480  resolution 672x672  grid 2x2 (cols x rows)  unpadded 36x48 (h x w)  tokens 2340');
  });

  it('fixed-size families print the constant count', async () => {
    for (const [family, tokens] of [['llava-1.5', 576], ['tinyllava', 728], ['vila', 196], ['llava-v1', 256]] as const) {
      const r = await runCli(['models', 'tokens', '--family', family, '--size', '1920x1080', '--json']);
      expect(JSON.parse(r.stdout).rows).toEqual([{ width: 1920, height: 1080, tokens }]);
    }
  });

  it('--pinpoints and --image-size/--patch-size override the defaults', async () => {
    const r = await runCli(['models', 'tokens', '--size', '1000x500', '--pinpoints', '336x336,672x336', '--json']);
    expect(JSON.parse(r.stdout).rows[0]).toMatchObject({ best_resolution: [672, 336], grid: [2, 1] });
    const j = await runCli(['models', 'tokens', '--size', '1000x500', '--pinpoints', '[[336,336],[672,336]]', '--json']);
    expect(JSON.parse(j.stdout).rows[0].best_resolution).toEqual([672, 336]);
    const tiny = await runCli(['models', 'tokens', '--size', '64x48', '--image-size', '32', '--patch-size', '8', '--json']);
    expect(JSON.parse(tiny.stdout).rows[0]).toMatchObject({ best_resolution: [64, 64], tokens: 16 + 6 * 8 + 6 });
  });

  it('--image uses the stored size (as PIL opens it); --exif-rotate the upright size', async () => {
    const file = path.join(dir, 'rot.jpg');
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080' } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
    const stored = await runCli(['models', 'tokens', '--image', file, '--json']);
    expect(JSON.parse(stored.stdout).rows[0]).toMatchObject({ width: 640, height: 480 });
    const upright = await runCli(['models', 'tokens', '--image', file, '--exif-rotate', '--json']);
    expect(JSON.parse(upright.stdout).rows[0]).toMatchObject({ width: 480, height: 640, tokens: 2352 });
    expect((await runCli(['models', 'tokens', '--size', '1x1', '--exif-rotate'])).code).toBe(2);
  });

  it('bad input: exit 2', async () => {
    expect((await runCli(['models', 'tokens', '--size', '12by5'])).code).toBe(2);
    expect((await runCli(['models', 'tokens', '--family', 'llava-9', '--size', '1x1'])).code).toBe(2);
    expect((await runCli(['models', 'tokens', '--family', 'vila', '--pinpoints', '336x336', '--size', '1x1'])).code).toBe(2);
    expect((await runCli(['models', 'tokens'])).code).toBe(2);
  });
});

describe('vlmbench models tokens --in/--out (batch)', () => {
  it('10,000 sizes: every line gets best_resolution, grid, unpadded_hw, tokens (time printed on stderr)', async () => {
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return 1 + (seed % n); };
    const sizes = Array.from({ length: 10_000 }, (_, i) => ({ width: rand(4000), height: rand(4000), id: i }));
    const inFile = path.join(dir, 'sizes.jsonl');
    const outFile = path.join(dir, 'tokens.jsonl');
    await writeFile(inFile, sizes.map((s) => JSON.stringify(s)).join('\n') + '\n');
    const r = await runCli(['models', 'tokens', '--family', 'llava-1.6', '--in', inFile, '--out', outFile]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^10000 sizes in [\d.]+ ms \(llava-1.6\)/);
    const out = (await readFile(outFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(10_000);
    for (const i of [0, 1, 4242, 9999]) {
      const { width, height, id } = sizes[i]!;
      const l = anyresLayout(width, height);
      expect(out[i]).toEqual({ width, height, id, best_resolution: l.bestResolution, grid: [l.grid.cols, l.grid.rows], unpadded_hw: l.unpaddedHW, tokens: l.tokens });
    }
    console.log(`[models tokens batch] ${r.stderr.trim()}`);
  });

  it('a bad line exits 2 naming the line', async () => {
    const inFile = path.join(dir, 'bad.jsonl');
    await writeFile(inFile, '{"width": 10, "height": 10}\n{"width": 0, "height": 10}\n');
    const r = await runCli(['models', 'tokens', '--in', inFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${inFile}:2`);
  });
});
