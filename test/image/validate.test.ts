import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/core/backend.ts';
import { ImageError } from '../../src/core/errors.ts';
import { userMessage, type VlmRequest } from '../../src/core/request.ts';
import { validateImages, ValidatedCache, withImageValidation } from '../../src/image/validate.ts';

let dir: string;
let good: string;
let truncated: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-validate-'));
  const raw = Buffer.alloc(64 * 64 * 3, 0).map((_, i) => (i * 7) & 255);
  good = path.join(dir, 'good.jpg');
  await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toFile(good);
  const bytes = await readFile(good);
  truncated = path.join(dir, 'truncated.jpg');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const req = (image: string): VlmRequest => ({ sampleId: 's', messages: [userMessage({ kind: 'path', path: image }, 'q')], params: { maxTokens: 1, temperature: 0 } });

describe('validateImages', () => {
  it('rejects a truncated JPEG with an ImageError naming the file and a hint', async () => {
    const err = await validateImages([{ kind: 'path', path: truncated }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({ code: 'E_IMAGE', file: truncated });
    expect((err as ImageError).hint).toMatch(/truncated or corrupt/);
  });

  it('names a buffer by its name and accepts a good image', async () => {
    const bytes = await readFile(truncated);
    await expect(validateImages([{ kind: 'buffer', data: bytes, name: 'upload.jpg' }])).rejects.toMatchObject({ file: 'upload.jpg' });
    await expect(validateImages([{ kind: 'path', path: good }])).resolves.toBeUndefined();
  });

  it('decodes a file once while its size and mtime are unchanged, again after it changes', async () => {
    const file = path.join(dir, 'changing.jpg');
    await writeFile(file, await readFile(good));
    const cache = new ValidatedCache();
    await validateImages([{ kind: 'path', path: file }], cache);
    await writeFile(file, (await readFile(truncated)));
    await expect(validateImages([{ kind: 'path', path: file }], cache)).rejects.toBeInstanceOf(ImageError);
  });

  it('decodes one buffer object once; a new buffer with the same bytes is decoded again', async () => {
    const cache = new ValidatedCache();
    const bytes = new Uint8Array(await readFile(good));
    await validateImages([{ kind: 'buffer', data: bytes, name: 'a.jpg' }], cache);
    expect(cache.hasBuffer(bytes)).toBe(true);
    expect(cache.hasBuffer(new Uint8Array(bytes))).toBe(false);
    const bad = new Uint8Array(await readFile(truncated));
    await expect(validateImages([{ kind: 'buffer', data: bad, name: 'b.jpg' }], cache)).rejects.toBeInstanceOf(ImageError);
    expect(cache.hasBuffer(bad)).toBe(false);
  });
});

describe('withImageValidation', () => {
  it('never calls the backend for a bad image, and passes good ones through', async () => {
    const seen: string[] = [];
    const inner: Backend & { extra: number } = {
      extra: 7,
      info: { id: 'm', family: 'llava-1.5', backend: 'custom', files: [] },
      capabilities: { images: true, multiImage: true, streaming: false, parallelSequences: 1 },
      async generate(r) {
        seen.push(r.sampleId);
        return { text: 'ok', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, source: 'backend' }, timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 0 } };
      },
    };
    const wrapped = withImageValidation(inner);
    await expect(wrapped.generate(req(truncated), { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'E_IMAGE', file: truncated });
    expect(seen).toEqual([]);
    expect((await wrapped.generate(req(good), { signal: new AbortController().signal })).text).toBe('ok');
    expect(seen).toEqual(['s']);
    expect(wrapped.extra).toBe(7);
    expect(wrapped.info.id).toBe('m');
  });
});
