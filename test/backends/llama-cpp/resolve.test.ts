import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRemoteModelUri, resolveModelPath } from '../../../backends/llama-cpp/resolve.ts';
import { ModelFileError } from '../../../src/core/errors.ts';
import { ensureGgufFixtures } from '../../../src/fixtures/gguf/index.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-resolve-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('resolveModelPath (no network: VLMBENCH_OFFLINE)', () => {
  const uri = 'hf:someone/tiny-llava-gguf/tiny-llama-f16.gguf';

  it('keeps local paths and recognises hf: / https URIs', async () => {
    expect(isRemoteModelUri(uri)).toBe(true);
    expect(isRemoteModelUri('https://example.com/m.gguf')).toBe(true);
    expect(isRemoteModelUri('./models/m.gguf')).toBe(false);
    expect(await resolveModelPath('models/m.gguf', 'backend.model')).toBe(path.resolve('models/m.gguf'));
  });

  it('refuses to download offline: ModelFileError naming the URI, with the pull command as hint', async () => {
    const env = { VLMBENCH_OFFLINE: '1', VLMBENCH_MODELS_DIR: path.join(dir, 'empty') };
    const err = await resolveModelPath(uri, 'backend.model', env).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err).toMatchObject({ file: uri, field: 'backend.model' });
    expect((err as ModelFileError).hint).toContain('vlmbench models pull');
  });

  it('uses an already downloaded copy in the models folder', async () => {
    const models = path.join(dir, 'models');
    await mkdir(models, { recursive: true });
    const fx = await ensureGgufFixtures(path.join(dir, 'fx'));
    // The cache layout of src/models/pull.ts: hf/<user>/<repo>/<file>.
    const cached = path.join(models, 'hf', 'someone', 'tiny-llava-gguf', 'tiny-llama-f16.gguf');
    await mkdir(path.dirname(cached), { recursive: true });
    await copyFile(fx.textModel, cached);
    expect(await resolveModelPath(uri, 'backend.model', { VLMBENCH_OFFLINE: '1', VLMBENCH_MODELS_DIR: models })).toBe(cached);
  });
});
