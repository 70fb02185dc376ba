import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type LlamaCppBackend } from '../../../backends/llama-cpp/index.ts';
import { selectBestResolution, type Pinpoint } from '../../../src/families/index.ts';
import { ensureGgufFixtures, TINY_MMPROJ_DEFAULTS, tinyTileTokens } from '../../../src/fixtures/gguf/index.ts';
import { imageRequest, noSignal, tinyModelConfig, writeTestImages } from './helpers.ts';

let dir: string;
let images: Awaited<ReturnType<typeof writeTestImages>>;
let backend: LlamaCppBackend;

const tile = TINY_MMPROJ_DEFAULTS.imageSize;
const flat = TINY_MMPROJ_DEFAULTS.gridPinpoints;
const pinpoints: Pinpoint[] = [];
for (let i = 0; i < flat.length; i += 2) pinpoints.push([flat[i]!, flat[i + 1]!]);

/** libmtmd's LLaVA-1.6 slicing: one overview image plus (W/tile)×(H/tile) tiles, each a full tile of tokens. */
async function expectedTokens(file: string): Promise<{ tiles: number; tokens: number }> {
  const { width, height } = await sharp(file).metadata();
  const [w, h] = selectBestResolution(width!, height!, pinpoints);
  const tiles = (w / tile) * (h / tile);
  return { tiles, tokens: (1 + tiles) * tinyTileTokens() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-llama16-'));
  const fx = await ensureGgufFixtures(dir);
  images = await writeTestImages(dir);
  backend = await createBackend(tinyModelConfig({ family: 'llava-1.6', model: fx.textModel, mmproj: fx.mmproj16, threads: 2 }), { log: () => {} });
});
afterAll(async () => {
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('llama-cpp backend on the tiny LLaVA-1.6 (AnyRes) GGUF', () => {
  it('runs with the 2 threads it was configured with', () => {
    expect(backend.runtime.threads).toBe(2);
    expect(backend.runtime.systemInfo).toMatch(/n_threads = 2\b/);
  });

  it('splits a wide 96×40 image into an overview + 2×1 tiles = 48 image tokens', async () => {
    const expected = await expectedTokens(images.wide);
    expect(expected).toEqual({ tiles: 2, tokens: 48 });
    const out = await backend.generate(imageRequest(images.wide, 8), noSignal());
    expect(out.usage.imageTokens).toBe(expected.tokens);
    expect(out.text.length).toBeGreaterThan(0);
  });

  it('splits a 64×64 image into an overview + 2×2 tiles = 80 image tokens', async () => {
    const expected = await expectedTokens(images.square64);
    expect(expected).toEqual({ tiles: 4, tokens: 80 });
    const out = await backend.generate(imageRequest(images.square64, 8), noSignal());
    expect(out.usage.imageTokens).toBe(expected.tokens);
    expect(out.usage.promptTokens).toBeGreaterThan(80);
  });

  it('is deterministic with 2 threads too', async () => {
    const a = await backend.generate(imageRequest(images.wide, 16), noSignal());
    const b = await backend.generate(imageRequest(images.wide, 16), noSignal());
    expect(b.text).toBe(a.text);
  });
});
