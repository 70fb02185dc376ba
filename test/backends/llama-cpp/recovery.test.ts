import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type LlamaCppBackend } from '../../../backends/llama-cpp/index.ts';
import { BackendError } from '../../../src/core/errors.ts';
import { userMessage } from '../../../src/core/request.ts';
import { ensureGgufFixtures } from '../../../src/fixtures/gguf/index.ts';
import { imageRequest, noSignal, tinyModelConfig, writeTestImages } from './helpers.ts';

/**
 * @fugood/llama.node clears its "completion in progress" flag only when a completion succeeds; after a
 * native failure every later completion was refused ("Another completion is in progress"). The backend
 * reloads its context then. Called directly (no shared image check in front) so libmtmd sees the file.
 */
let dir: string;
let backend: LlamaCppBackend;
let red: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-llama-recovery-'));
  const fx = await ensureGgufFixtures(dir);
  red = (await writeTestImages(dir)).red;
  backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: fx.mmproj15, contextSize: 256 }), { log: (m) => logs.push(m) });
});
afterAll(async () => {
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('llama-cpp backend after a native failure', () => {
  it('answers the next request after libmtmd fails to load an image', async () => {
    const junk = path.join(dir, 'junk.jpg');
    await writeFile(junk, 'not an image');
    const before = await backend.generate(imageRequest(red, 4), noSignal());
    const err = await backend.generate(imageRequest(junk, 4), noSignal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/Failed to load media/);
    const after = await backend.generate(imageRequest(red, 4), noSignal());
    expect(after.text).toBe(before.text);
    expect(logs).toContain('llama.cpp context reloaded after a native failure');
  });

  it('answers the next request after a prompt that fills the context', async () => {
    const long = { sampleId: 'long', messages: [userMessage('x '.repeat(400))], params: { maxTokens: 4, temperature: 0 } };
    const err = await backend.generate(long, noSignal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'backend.contextSize' });
    const after = await backend.generate(imageRequest(red, 4), noSignal());
    expect(after.finishReason).toBeDefined();
    expect(after.usage.imageTokens).toBe(16);
  });
});
