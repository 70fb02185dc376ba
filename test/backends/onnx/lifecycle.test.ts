import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/core/backend.ts';
import { BackendError } from '../../../src/core/errors.ts';
import { noAbort, request, tinyBackend, tinyModels } from './helpers.ts';

describe('ONNX backend queue and close', () => {
  let dir: string;
  beforeAll(async () => { dir = (await tinyModels()).llava15; });

  it('close() waits for the generation in flight instead of releasing its sessions under it', async () => {
    const backend = await tinyBackend(dir, 'llava-1.5');
    let closing: Promise<void> | undefined;
    // close() is called from inside the decode loop, at the first streamed piece.
    const running = backend.generate(request(undefined, 'Tell me a long story.', { maxTokens: 48, ignoreEos: true }), {
      ...noAbort(), onToken: () => { closing ??= backend.close!(); },
    });
    const out = await running;
    expect(closing).toBeDefined();
    await closing;
    expect(out.usage.completionTokens).toBe(48);
    await expect(backend.close!()).resolves.toBeUndefined(); // a second close is a no-op
  });

  it('generate() after close() rejects with a BackendError saying the backend is closed', async () => {
    const backend = await tinyBackend(dir, 'llava-1.5');
    await backend.close!();
    const err = await backend.generate(request(undefined, 'Hi'), noAbort()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/closed/);
  });

  describe('abort while queued', () => {
    let backend: Backend;
    beforeAll(async () => { backend = await tinyBackend(dir, 'llava-1.5'); });
    afterAll(async () => { await backend.close?.(); });

    it('rejects at once, before the request ahead of it finishes', async () => {
      let firstDone = false;
      const first = backend.generate(request(undefined, 'Tell me a long story.', { maxTokens: 64, ignoreEos: true }), noAbort())
        .then((o) => { firstDone = true; return o; });
      const ac = new AbortController();
      const queued = backend.generate(request(undefined, 'Hi'), { signal: ac.signal });
      ac.abort();
      const err = await queued.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).code).toBe('E_ABORTED');
      expect(firstDone).toBe(false);
      expect((await first).usage.completionTokens).toBe(64);
    });
  });
});
