import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend as createLlamaBackend } from '../../backends/llama-cpp/index.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import type { Backend } from '../../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../../src/core/request.ts';
import type { TokenEvent } from '../../src/core/response.ts';
import { ensureGgufFixtures } from '../../src/fixtures/gguf/index.ts';
import { imageRequest, writeTestImages } from '../backends/llama-cpp/helpers.ts';
import { serveOverHttp, type ServedOverHttp } from '../helpers/serve-over-http.ts';

/**
 * Parity on the tiny GGUF LLaVA-1.5 (random weights, fixed seed): the llama-cpp backend called
 * directly, and the same backend behind `vlmbench serve`'s server core reached through the HTTP
 * backend (streamed and one-shot), give the same greedy text and token counts.
 */

const noAbort = () => ({ signal: new AbortController().signal });

let dir: string;
let local: Backend;
let served: ServedOverHttp;
let streamed: Backend;
let oneShot: Backend;
let images: Awaited<ReturnType<typeof writeTestImages>>;
let serverEvents: TokenEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-serve-gguf-'));
  const fx = await ensureGgufFixtures(dir);
  images = await writeTestImages(dir);
  local = await createLlamaBackend(ModelConfig.parse({
    id: 'tiny-gguf', family: 'llava-1.5',
    // ASCII-only answers: random weights emit invalid UTF-8, which the managed llama-server route cannot return.
    backend: { type: 'llama-cpp', model: fx.textModel, mmproj: fx.mmproj15, threads: 1, contextSize: 512, grammar: 'root ::= [\\x01-\\x7F]*' },
  }), { log: () => {} });
  // What the backend streamed inside the server, to check the HTTP path adds and loses nothing.
  const recording: Backend = {
    info: local.info,
    capabilities: local.capabilities,
    generate: (r, g) => local.generate(r, { ...g, onToken: (e) => { serverEvents.push(e); g.onToken?.(e); } }),
  };
  served = await serveOverHttp('tiny-gguf', recording);
  ({ streamed, oneShot } = served);
});
afterAll(async () => {
  await served?.close();
  await local?.close?.();
  await rm(dir, { recursive: true, force: true });
});

describe('http backend via vlmbench serve vs the llama-cpp backend directly (tiny GGUF)', () => {
  it('gives the same greedy text and token counts for an image request, streamed and not', async () => {
    for (const image of [images.quadrants, images.wide]) {
      const req = imageRequest(image, 16);
      const direct = await local.generate(req, noAbort());
      const viaOneShot = await oneShot.generate(req, noAbort());
      serverEvents = [];
      const viaStream = await streamed.generate(req, noAbort());
      expect(direct.text.length).toBeGreaterThan(0);
      expect(viaOneShot.text).toBe(direct.text);
      expect(viaOneShot.usage).toMatchObject({ promptTokens: direct.usage.promptTokens, completionTokens: direct.usage.completionTokens, source: 'backend' });
      expect(viaStream.finishReason).toBe(direct.finishReason);
      expect(viaStream.usage).toMatchObject({ promptTokens: direct.usage.promptTokens, completionTokens: direct.usage.completionTokens, source: 'backend' });
      // Streamed: exactly the pieces the backend emitted, one chunk each, in order, adding up to the
      // same greedy text as the direct call.
      const pieces = serverEvents.filter((e) => e.text !== '');
      expect(pieces.map((e) => e.text).join('')).toBe(direct.text);
      expect(viaStream.text).toBe(direct.text);
      expect(viaStream.timings.chunkMs.length).toBe(pieces.length);
    }
  });

  it('gives the same text for a text-only request with ignore_eos', async () => {
    const req: VlmRequest = { sampleId: 't', messages: [userMessage('Say something.')], params: { maxTokens: 12, temperature: 0, ignoreEos: true } };
    const direct = await local.generate(req, noAbort());
    const via = await oneShot.generate(req, noAbort());
    expect(via.text).toBe(direct.text);
    expect(via.usage.completionTokens).toBe(12);
    expect((await streamed.generate(req, noAbort())).usage.completionTokens).toBe(12);
  });
});
