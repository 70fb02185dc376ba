/**
 * The http backend's Triton paths against the TensorRT-LLM stand-in (test/helpers/triton-standin.ts):
 * Triton + TensorRT-LLM cannot run on the test machines, so the stand-in reproduces what the real
 * server accepts, rejects and answers (each behaviour cites the TensorRT-LLM file it copies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import { ENSEMBLE_WRAPPER } from '../../../backends/http/triton.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { halfToFloat } from '../../../src/core/f16.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { createScheduler } from '../../../src/runner/scheduler.ts';
import { startTritonStandin, type TritonStandin } from '../../helpers/triton-standin.ts';
import { hash8 } from '../../helpers/triton-standin-model.ts';
import { httpModel, quietCtx } from './model.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const image = { kind: 'buffer' as const, data: PNG, name: 'dot.png' };
const req = (q: string, o: { maxTokens?: number; purpose?: 'score' | 'timing'; withImage?: boolean } = {}): VlmRequest => ({
  sampleId: 't1',
  messages: [o.withImage === false ? userMessage(q) : userMessage(image, q)],
  params: { maxTokens: o.maxTokens ?? 16, temperature: 0 },
  purpose: o.purpose,
});
const gen = (b: Backend, r: VlmRequest) => b.generate(r, { signal: new AbortController().signal });
const triton = (url: string, extra: Record<string, unknown> = {}, family = 'vila') =>
  createBackend({ ...httpModel({ api: 'triton', model: 'ensemble', endpoints: [url], ...extra }), family }, quietCtx);
async function using<T>(b: Promise<Backend>, f: (b: Backend) => Promise<T>): Promise<T> {
  const x = await b;
  try { return await f(x); } finally { await x.close?.(); }
}

const standins: TritonStandin[] = [];
const start = async (o: Parameters<typeof startTritonStandin>[0]) => { const s = await startTritonStandin(o); standins.push(s); return s; };
let vila: TritonStandin;
let llava: TritonStandin;
beforeAll(async () => {
  vila = await start({ modelType: 'vila' });
  llava = await start({ modelType: 'llava' });
});
afterAll(() => Promise.all(standins.map((s) => s.close())));

describe('api triton, ensemble: image_input via /infer', () => {
  it('sends VILA the family-preprocessed FP16 [1,1,3,384,384] tensor and only the user text', async () => {
    const out = await using(triton(vila.url), (b) => gen(b, req('what colour is it')));
    const sent = vila.requests.at(-1)!;
    expect(sent.path).toBe('/v2/models/ensemble/infer');
    const t = sent.tensors.image_input!;
    expect(t).toMatchObject({ datatype: 'FP16', shape: [1, 1, 3, 384, 384] });
    // The bytes are the family's own preprocessing, rounded to half precision.
    const pre = await getFamily('vila').preprocess(image);
    const view = new DataView(t.bytes!.buffer, t.bytes!.byteOffset, t.bytes!.byteLength);
    for (const i of [0, 1234, pre.data.length - 1]) expect(halfToFloat(view.getUint16(i * 2, true))).toBeCloseTo(pre.data[i]!, 2);
    expect(sent.tensors.text_input).toMatchObject({ datatype: 'BYTES', shape: [1, 1] });
    expect(sent.tensors.max_tokens).toMatchObject({ datatype: 'INT32', shape: [1, 1] });
    // The server echoes its own templated prompt; the client removes it through the wrapper's marker.
    expect(out.text).toBe(`it is colour what ${hash8(t.bytes!)}`);
    expect(out.prompt).toBe(`${ENSEMBLE_WRAPPER.vila.pre}<image>what colour is it${ENSEMBLE_WRAPPER.vila.post}`);
    expect(out.promptSource).toEqual({ by: 'server-template', template: 'tensorrt_llm triton preprocessing (vila)', streamed: false });
    expect(out.timings.firstTokenMs).toBeUndefined();
  });

  it('sends LLaVA-1.5 a [1,1,3,336,336] tensor', async () => {
    const out = await using(triton(llava.url, {}, 'llava-1.5'), (b) => gen(b, req('one two')));
    expect(llava.requests.at(-1)!.tensors.image_input!.shape).toEqual([1, 1, 3, 336, 336]);
    expect(out.text).toMatch(/^two one img:[0-9a-f]{8}$/);
  });

  it('never streams the image tensor: timing requests go to /infer too and record streamed: false', async () => {
    const out = await using(triton(vila.url, { stream: true }), (b) => gen(b, req('x', { purpose: 'timing' })));
    expect(vila.requests.at(-1)!.path).toBe('/v2/models/ensemble/infer');
    expect(out.promptSource?.streamed).toBe(false);
  });

  it('refuses several images in one request (the wrapper would need an <image> per image)', async () => {
    const two: VlmRequest = { sampleId: 't', messages: [userMessage(image, image, 'q')], params: { maxTokens: 4, temperature: 0 } };
    const before = vila.requests.length;
    const err = await using(triton(vila.url), (b) => gen(b, two)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_BACKEND', retryable: false });
    expect(vila.requests.length).toBe(before);
  });

  it('a decoupled deployment refuses /infer (501): reported once, not retried', async () => {
    const s = await start({ modelType: 'vila', decoupled: true });
    const err = await using(triton(s.url), (b) => gen(b, req('x'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_HTTP', retryable: false, message: expect.stringContaining("doesn't support models with decoupled") });
  });
});

/**
 * Streaming needs generate_stream, which cannot carry image_input, and llava/vila accept no other image
 * input: over HTTP their answers never stream. The text paths below run against an ensemble of model
 * type mllama (no wrapper, images decoded by its own preprocessing), with text-only requests.
 */
describe('api triton, ensemble: text paths and streaming', () => {
  it('a text-only request to a llava/vila ensemble fails deterministically (its preprocessing always inserts image features)', async () => {
    const err = await using(triton(vila.url), (b) => gen(b, req('x', { withImage: false }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_HTTP', retryable: false, message: expect.stringContaining('prompt_embedding_table') });
  });

  it('scores without streaming: a scored request goes to /generate even with stream: true', async () => {
    const s = await start({ modelType: 'mllama', decoupled: true });
    // mllama has no wrapper: its echo is exactly the text sent (outputEcho: prompt).
    const out = await using(triton(s.url, { stream: true, outputEcho: 'prompt' }), (b) => gen(b, req('a b c', { withImage: false })));
    expect(s.requests.at(-1)!.path).toBe('/v2/models/ensemble/generate');
    expect(s.requests.at(-1)!.body).toMatchObject({ text_input: 'a b c', stream: false });
    expect(out.text).toBe('c b a');
    expect(out.promptSource?.streamed).toBe(false);
  });

  it('streams timing requests; the per-token deltas lose their spaces, which is why scores never stream', async () => {
    const s = await start({ modelType: 'mllama', decoupled: true });
    const out = await using(triton(s.url, { stream: true }), (b) => gen(b, req('a b c', { withImage: false, purpose: 'timing' })));
    expect(s.requests.at(-1)!.path).toBe('/v2/models/ensemble/generate_stream');
    expect(out.text).toBe('cba');
    expect(out.timings.chunkMs).toHaveLength(3);
    expect(out.promptSource?.streamed).toBe(true);
  });

  it('cumulativeOutput follows a BLS deployed with accumulate_tokens (whole text per event, spaces kept)', async () => {
    const s = await start({ modelType: 'mllama', decoupled: true, accumulateTokens: true });
    const out = await using(triton(s.url, { cumulativeOutput: true }), (b) => gen(b, req('a b c', { withImage: false, purpose: 'timing' })));
    expect(out.text).toBe('c b a');
    expect(out.timings.chunkMs).toHaveLength(3);
  });

  it('outputEcho none matches a deployment with exclude_input_in_output; the default refuses text without the marker', async () => {
    const s = await start({ modelType: 'vila', excludeInputInOutput: true });
    expect((await using(triton(s.url, { outputEcho: 'none' }), (b) => gen(b, req('p q')))).text).toMatch(/^q p img:/);
    const err = await using(triton(s.url), (b) => gen(b, req('p q'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PARSE', retryable: false, message: expect.stringContaining("marker 'ASSISTANT:'") });
  });
});

describe('api triton: errors', () => {
  it('image_url_input and image_bytes_input fail preprocessing for vila: HTTP 500, deterministic, not retried', async () => {
    for (const imageTransport of ['url', 'bytes']) {
      const err = await using(triton(vila.url, { imageTransport }), (b) => gen(b, req('x'))).catch((e: unknown) => e);
      expect(err, imageTransport).toMatchObject({ code: 'E_HTTP', retryable: false, message: expect.stringMatching(/HTTP 500 .*AssertionError: Vision preprocessor/) });
    }
  });

  it('a first-response error on generate_stream (HTTP 500 with an SSE body) is unwrapped; a transient one stays retryable', async () => {
    const s = await start({ modelType: 'mllama', decoupled: true, failFirst: 'Encountered error in tensorrt_llm model: out of KV cache blocks' });
    const err = await using(triton(s.url), (b) => gen(b, req('x', { withImage: false, purpose: 'timing' }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_HTTP', retryable: true });
    expect((err as Error).message).toMatch(/HTTP 500 .*: Encountered error in tensorrt_llm model: out of KV cache blocks$/);
    expect((err as Error).message).not.toContain('data:');
  });

  it('the scheduler tries a deterministic failure once and retries a transient one', async () => {
    const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, jitter: 0 };
    const sched = createScheduler({ concurrency: 1, retry, timeoutMs: 10_000 });
    const asserting = await start({ modelType: 'vila' });
    const assertResult = await using(triton(asserting.url, { imageTransport: 'url' }), (b) => sched.submit(b, req('x')));
    expect(assertResult).toMatchObject({ ok: false, attempts: 1 });
    expect(asserting.requests).toHaveLength(1);
    const busy = await start({ modelType: 'mllama', failFirst: 'Encountered error in tensorrt_llm model: out of KV cache blocks' });
    const busyResult = await using(triton(busy.url, { outputEcho: 'prompt' }), (b) => sched.submit(b, req('x', { withImage: false })));
    expect(busyResult).toMatchObject({ ok: false, attempts: 3 });
    expect(busy.requests).toHaveLength(3);
  });

  it('an error event after a 200 is detected', async () => {
    const s = await start({ modelType: 'mllama', decoupled: true, errorAfter: 2 });
    const err = await using(triton(s.url), (b) => gen(b, req('a b c d', { withImage: false, purpose: 'timing' }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_HTTP', message: expect.stringContaining('out of KV cache blocks') });
  });

  it('deploy-time parameters are refused as request fields, pointing at the client options', async () => {
    await expect(triton(vila.url, { extraBody: { accumulate_tokens: true } })).rejects.toMatchObject({ code: 'E_CONFIG', hint: expect.stringContaining('cumulativeOutput') });
    await expect(triton(vila.url, { extraBody: { exclude_input_in_output: true } })).rejects.toMatchObject({ code: 'E_CONFIG', hint: expect.stringContaining('outputEcho') });
  });
});

describe('api triton, llmapi preset', () => {
  it('sends the family-rendered prompt with sampling_param_* fields and reads the cumulative stream and finish reason', async () => {
    const s = await start({ preset: 'llmapi', model: 'tensorrt_llm', decoupled: true });
    const b = triton(s.url, { tritonPreset: 'llmapi', model: 'tensorrt_llm', stream: true }, 'llava-1.5');
    const { prompt } = getFamily('llava-1.5').renderPrompt(req('a b').messages);
    const [scored, timed] = await using(b, async (x) => [await gen(x, req('a b', { maxTokens: 3 })), await gen(x, req('a b', { maxTokens: 3, purpose: 'timing' }))]);
    const sent = s.requests.at(-2)!.body;
    expect(sent).toMatchObject({ text_input: prompt, sampling_param_max_tokens: 3, sampling_param_temperature: 0, sampling_param_top_k: 1, streaming: false, return_finish_reason: true });
    expect(String((sent.image_url as string[])[0])).toMatch(/^data:image\/png;base64,/);
    expect(scored.promptSource).toMatchObject({ by: 'client' });
    expect(scored.finishReason).toBe('length');
    expect(timed.text).toBe(scored.text);
    expect(timed.timings.chunkMs).toHaveLength(3);
  });

  it('has no image_input tensor', async () => {
    await expect(triton(vila.url, { tritonPreset: 'llmapi', imageTransport: 'tensor' })).rejects.toMatchObject({ field: 'backend.imageTransport' });
  });
});
