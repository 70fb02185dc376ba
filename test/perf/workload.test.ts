import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/core/errors.ts';
import { familyImageTokens } from '../../src/perf/suite-support.ts';
import { buildWorkload, WorkloadOptions } from '../../src/perf/workload.ts';

describe('buildWorkload', () => {
  it('generates images at the given sizes, cycles them, and asks for a fixed output length', async () => {
    const opts = WorkloadOptions.parse({ sizes: [{ width: 64, height: 32 }, { width: 40, height: 40 }], maxTokens: 7 });
    const items = await buildWorkload(opts, 3, { datasetDir: '/nonexistent', seed: 1 });
    expect(items.map((i) => `${i.images[0]!.width}x${i.images[0]!.height}`)).toEqual(['64x32', '40x40', '64x32']);
    const meta = await sharp(Buffer.from(items[1]!.images[0]!.data)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 40, 40]);
    expect(items[0]!.params).toMatchObject({ maxTokens: 7, temperature: 0, ignoreEos: true });
    expect(items[0]!.messages[0]!.content.map((p) => p.type)).toEqual(['image', 'text']);
    expect(items[0]!.imageBytes).toBe(items[0]!.images[0]!.data.length);
  });
  it('reads images from a dataset folder; an empty folder is a DatasetError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-ds-'));
    writeFileSync(join(dir, 'b.png'), await sharp({ create: { width: 20, height: 10, channels: 3, background: '#800' } }).png().toBuffer());
    const items = await buildWorkload(WorkloadOptions.parse({ images: 'dataset' }), 2, { datasetDir: dir, seed: 0, maxTokens: 5 });
    expect(items.map((i) => i.images[0]!.name)).toEqual(['b.png', 'b.png']);
    expect(items[0]!.params.maxTokens).toBe(5);
    const empty = mkdtempSync(join(tmpdir(), 'perf-empty-'));
    await expect(buildWorkload(WorkloadOptions.parse({ images: 'dataset' }), 1, { datasetDir: empty, seed: 0 })).rejects.toBeInstanceOf(DatasetError);
  });
  it('uses questions.jsonl (LLaVA model_vqa layout) for prompt/image pairs when the dataset has one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-q-'));
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'images', 'x.png'), await sharp({ create: { width: 30, height: 20, channels: 3, background: '#080' } }).png().toBuffer());
    writeFileSync(join(dir, 'questions.jsonl'), `${JSON.stringify({ question_id: 1, image: 'x.png', text: 'What colour?' })}\n`);
    const items = await buildWorkload(WorkloadOptions.parse({ images: 'dataset' }), 2, { datasetDir: dir, seed: 0 });
    expect(items.map((i) => [i.text, i.images[0]!.name, i.images[0]!.width])).toEqual([['What colour?', 'images/x.png', 30], ['What colour?', 'images/x.png', 30]]);
    writeFileSync(join(dir, 'questions.jsonl'), '{"text": 1}\n');
    await expect(buildWorkload(WorkloadOptions.parse({ images: 'dataset' }), 1, { datasetDir: dir, seed: 0 })).rejects.toMatchObject({ code: 'E_DATASET', line: 1 });
  });
  it('text-only workloads carry no image parts', async () => {
    const items = await buildWorkload(WorkloadOptions.parse({ images: 'none', fixedOutput: false }), 1, { datasetDir: '', seed: 0 });
    expect(items[0]!.images).toEqual([]);
    expect(items[0]!.params.ignoreEos).toBeUndefined();
  });
  it('image-token cost per family: LLaVA-1.5 is size-independent, LLaVA-1.6 AnyRes grows with the image', () => {
    const v15 = familyImageTokens('llava-1.5')!;
    const v16 = familyImageTokens('llava-1.6')!;
    expect(v15(336, 336)).toBe(v15(1008, 672));
    expect(v16(1008, 672)!).toBeGreaterThan(v16(336, 336)!);
    expect(familyImageTokens('no-such-family')).toBeUndefined();
  });
});

describe('ensurePerfBuiltin', () => {
  it('writes a questions.jsonl + images set once, usable with images: dataset', async () => {
    const { ensurePerfBuiltin } = await import('../../src/perf/builtin.ts');
    const root = mkdtempSync(join(tmpdir(), 'perf-builtin-'));
    const dir = await ensurePerfBuiltin(root);
    expect(await ensurePerfBuiltin(root)).toBe(dir);
    const items = await buildWorkload(WorkloadOptions.parse({ images: 'dataset' }), 4, { datasetDir: dir, seed: 0 });
    expect(items.map((i) => `${i.images[0]!.width}x${i.images[0]!.height}`)).toEqual(['336x336', '672x672', '1008x672', '640x480']);
    expect(new Set(items.map((i) => i.text)).size).toBe(4);
  });
});
