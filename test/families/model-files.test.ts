import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.ts';
import { readModelEvidence } from '../../src/families/model-files.ts';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-model-files-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('readModelEvidence: config files that parse but are not objects', () => {
  it.each([['null'], ['[1, 2]'], ['"llava"'], ['42']])('config.json containing %s is a ModelFileError naming the file', async (body) => {
    const file = path.join(tmp, `c-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, body);
    const err = await readModelEvidence(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).file).toBe(file);
    expect((err as Error).message).toMatch(/JSON object/);
  });

  it('a folder whose preprocessor_config.json is null still reads config.json', async () => {
    const dir = path.join(tmp, 'folder');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'llava', image_grid_pinpoints: [[336, 672]] }));
    await writeFile(path.join(dir, 'preprocessor_config.json'), 'null');
    const [e] = await readModelEvidence(dir);
    expect(e!.modelType).toBe('llava');
  });
});
