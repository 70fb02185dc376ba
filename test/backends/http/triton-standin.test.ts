/**
 * The Triton stand-in itself, over raw HTTP: it must refuse what TensorRT-LLM's Triton models refuse,
 * or the client tests that run against it prove nothing (test/helpers/triton-standin-model.ts cites
 * the TensorRT-LLM file behind each behaviour).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toInferRequest } from '../../../backends/http/kserve.ts';
import { startTritonStandin, type TritonStandin } from '../../helpers/triton-standin.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Triton's JSON answers: a generate response, an /infer response or an error. */
const answer = async (r: Response) => (await r.json()) as { text_output?: string; error?: string; outputs: Array<Record<string, unknown>> };

let vila: TritonStandin;
let mllama: TritonStandin;
beforeAll(async () => {
  vila = await startTritonStandin({ modelType: 'vila', decoupled: true });
  mllama = await startTritonStandin({ modelType: 'mllama' });
});
afterAll(async () => { await vila.close(); await mllama.close(); });

describe('Triton stand-in (generate extension)', () => {
  it('ignores unknown scalar members (request parameters) but refuses unknown arrays and nested arrays', async () => {
    const ok = await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a b', max_tokens: 4, exclude_input_in_output: true, accumulate_tokens: true });
    expect(ok.status).toBe(200);
    // The deploy-time flags did nothing: the echo is still there.
    expect((await answer(ok)).text_output).toBe('a b b a');
    const unknownArray = await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a', max_tokens: 4, foo: [1] });
    expect(unknownArray.status).toBe(400);
    const nested = await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a', max_tokens: 4, image_input: [[[1]]] });
    expect(nested.status).toBe(400);
    expect((await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a' })).status).toBe(400);
  });

  it('image URLs: an assertion for llava/vila; for other model types only data:image/jpeg;base64 is decoded', async () => {
    const r = await post(vila.url, '/v2/models/ensemble/generate', { text_input: 'a', max_tokens: 4, image_url_input: [`data:image/jpeg;base64,${PNG.toString('base64')}`] });
    expect(r.status).toBe(500);
    expect((await answer(r)).error).toContain('AssertionError');
    const png = await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a', max_tokens: 4, image_url_input: [`data:image/png;base64,${PNG.toString('base64')}`] });
    expect(png.status).toBe(500);
    expect((await answer(png)).error).toContain('No connection adapters');
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer();
    const ok = await post(mllama.url, '/v2/models/ensemble/generate', { text_input: 'a', max_tokens: 4, image_url_input: [`data:image/jpeg;base64,${jpeg.toString('base64')}`] });
    expect(ok.status).toBe(200);
    expect((await answer(ok)).text_output).toMatch(/^a a img:[0-9a-f]{8}$/);
  });

  it('wraps the text in the model type\'s hard-coded prompt and echoes it (non-streamed); streams space-less deltas', async () => {
    const jpegLess = await post(vila.url, '/v2/models/ensemble/generate_stream', { text_input: 'a b', max_tokens: 4, stream: true });
    // No image for vila: the first response fails, and it comes as HTTP 500 with an SSE body.
    expect(jpegLess.status).toBe(500);
    expect(await jpegLess.text()).toMatch(/^data: \{"error":".*prompt_embedding_table.*"\}\n\n$/);
    const s = await startTritonStandin({ modelType: 'mllama', decoupled: true });
    try {
      const r = await post(s.url, '/v2/models/ensemble/generate_stream', { text_input: 'one two three', max_tokens: 8, stream: true });
      const events = (await r.text()).split('\n\n').filter(Boolean).map((e) => JSON.parse(e.slice(6)).text_output);
      expect(events).toEqual(['three', 'two', 'one']);
    } finally { await s.close(); }
  });
});

describe('Triton stand-in (/infer)', () => {
  const infer = (url: string, image: { shape: number[]; bytes: Uint8Array }) => {
    const { body, headers } = toInferRequest([
      { name: 'text_input', datatype: 'BYTES', shape: [1, 1], data: ['q'] },
      { name: 'max_tokens', datatype: 'INT32', shape: [1, 1], data: [4] },
      { name: 'image_input', datatype: 'FP16', shape: image.shape, data: image.bytes },
    ], ['text_output']);
    return fetch(`${url}/v2/models/ensemble/infer`, { method: 'POST', headers, body });
  };

  it('checks the binary size and the engine\'s image shape, and refuses /infer on a decoupled model', async () => {
    const s = await startTritonStandin({ modelType: 'vila' });
    try {
      const n = 3 * 384 * 384;
      expect((await infer(s.url, { shape: [1, 1, 3, 384, 384], bytes: new Uint8Array(n * 2 - 2) })).status).toBe(400);
      const wrong = await infer(s.url, { shape: [1, 1, 3, 336, 336], bytes: new Uint8Array(3 * 336 * 336 * 2) });
      expect(wrong.status).toBe(500);
      const ok = await infer(s.url, { shape: [1, 1, 3, 384, 384], bytes: new Uint8Array(n * 2) });
      expect(ok.status).toBe(200);
      expect((await answer(ok)).outputs[0]).toMatchObject({ name: 'text_output', datatype: 'BYTES', data: [expect.stringMatching(/^A chat between .* USER: q ASSISTANT: q img:/)] });
    } finally { await s.close(); }
    expect((await infer(vila.url, { shape: [1, 1, 3, 384, 384], bytes: new Uint8Array(3 * 384 * 384 * 2) })).status).toBe(501);
  });
});
