import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend as createOnnxBackend } from '../../backends/onnx/index.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import type { Backend } from '../../src/core/backend.ts';
import { userMessage, type ImageSource, type VlmRequest } from '../../src/core/request.ts';
import type { TokenEvent } from '../../src/core/response.ts';
import { ensureOnnxFixtures } from '../../src/fixtures/onnx/index.ts';
import { serveOverHttp, type ServedOverHttp } from '../helpers/serve-over-http.ts';

/**
 * Parity: a real local backend (the tiny generated LLaVA-1.5 ONNX export) called directly, and the
 * same backend behind `vlmbench serve`'s server core reached through the HTTP backend, give the
 * same greedy text and token counts. The server applies no template of its own: it hands the chat
 * messages to the local backend, which renders them through the family exactly as when called directly.
 */

async function testImage(): Promise<ImageSource> {
  const { default: sharp } = await import('sharp');
  const w = 40;
  const h = 24;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) raw.set([(i * 7) % 256, (i * 13) % 256, i % 2 ? 220 : 30], i * 3);
  return { kind: 'buffer', data: await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer(), name: 'parity.png' };
}

const noAbort = () => ({ signal: new AbortController().signal });

let local: Backend;
let served: ServedOverHttp;
let viaHttp: Backend;
let viaHttpOneShot: Backend;
let image: ImageSource;

beforeAll(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-parity-'));
  const { llava15 } = await ensureOnnxFixtures(root);
  local = await createOnnxBackend(ModelConfig.parse({ id: 'tiny-onnx', family: 'llava-1.5', backend: { type: 'onnx', dir: llava15, threads: 1 } }), { log: () => {} });
  served = await serveOverHttp('tiny-onnx', local);
  ({ streamed: viaHttp, oneShot: viaHttpOneShot } = served);
  image = await testImage();
});
afterAll(async () => {
  await served?.close();
  await local?.close?.();
});

describe('http backend via vlmbench serve vs the local backend directly (tiny ONNX LLaVA-1.5)', () => {
  it('gives the same greedy text and token counts, streamed and not', async () => {
    const req: VlmRequest = { sampleId: 'p1', messages: [userMessage(image, 'What is shown here?')], params: { maxTokens: 12, temperature: 0 } };
    const localEvents: TokenEvent[] = [];
    const direct = await local.generate(req, { ...noAbort(), onToken: (e) => localEvents.push(e) });
    const streamed = await viaHttp.generate(req, noAbort());
    const oneShot = await viaHttpOneShot.generate(req, noAbort());
    expect(direct.text.length).toBeGreaterThan(0);
    expect(streamed.text).toBe(direct.text);
    expect(oneShot.text).toBe(direct.text);
    expect(streamed.finishReason).toBe(direct.finishReason);
    expect(streamed.usage).toMatchObject({ completionTokens: direct.usage.completionTokens, promptTokens: direct.usage.promptTokens, source: 'backend' });
    // One SSE chunk per local token event with text, each counted from the server's running usage.
    expect(streamed.timings.chunkMs).toHaveLength(localEvents.filter((e) => e.text !== '').length);
    expect(streamed.timings.chunkTokens.reduce((a, b) => a + b, 0)).toBe(direct.usage.completionTokens);
  });

  it('a text-only request matches too', async () => {
    const req: VlmRequest = { sampleId: 'p2', messages: [userMessage('Say something.')], params: { maxTokens: 8, temperature: 0 } };
    const direct = await local.generate(req, noAbort());
    expect((await viaHttp.generate(req, noAbort())).text).toBe(direct.text);
  });
});
