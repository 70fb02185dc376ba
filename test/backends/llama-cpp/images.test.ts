import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { materializeImages } from '../../../backends/llama-cpp/images.ts';
import { ImageError } from '../../../src/core/errors.ts';

const PNG_HEAD = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let root: string;
let dir: string;
beforeAll(async () => { root = await mkdtemp(path.join(os.tmpdir(), 'vlmb-llama-images-')); });
beforeEach(async () => { dir = await mkdtemp(path.join(root, 't-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

describe('materializeImages', () => {
  it('a bad image after a written one removes the files already written', async () => {
    const missing = path.join(dir, 'no-such.png');
    const err = await materializeImages(
      [{ kind: 'buffer', data: PNG_HEAD, name: 'a.png' }, { kind: 'path', path: missing }],
      async () => dir,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).file).toBe(missing);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an empty buffer after a written one is an ImageError and leaves nothing behind', async () => {
    const err = await materializeImages(
      [{ kind: 'buffer', data: PNG_HEAD }, { kind: 'buffer', data: new Uint8Array(0), name: 'empty.jpg' }],
      async () => dir,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).message).toMatch(/empty\.jpg is empty/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('written files are named by content type and removed by cleanup()', async () => {
    const files = await materializeImages([{ kind: 'buffer', data: PNG_HEAD }], async () => dir);
    expect(files.paths).toHaveLength(1);
    expect(files.paths[0]).toMatch(/\.png$/);
    expect(await readdir(dir)).toHaveLength(1);
    await files.cleanup();
    expect(await readdir(dir)).toEqual([]);
  });
});
