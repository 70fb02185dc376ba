/**
 * Triton generate-extension tests against a PROTOCOL STAND-IN (test/helpers/triton-standin.ts):
 * Triton + TensorRT-LLM cannot run on the test machines, so the stand-in implements the documented
 * generate / generate_stream protocol and the multimodal ensemble's field names, nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import { newStreamState } from '../../../backends/http/openai.ts';
import { applyTritonEvent, TRITON_DEFAULT_FIELDS } from '../../../backends/http/triton.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { startTritonStandin, type TritonStandin } from '../../helpers/triton-standin.ts';
import { httpModel, quietCtx } from './model.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const req = (q: string, maxTokens = 16): VlmRequest => ({
  sampleId: 't1',
  messages: [userMessage({ kind: 'buffer', data: PNG, name: 'dot.png' }, q)],
  params: { maxTokens, temperature: 0 },
});
const gen = (b: Backend, r: VlmRequest) => b.generate(r, { signal: new AbortController().signal });
const triton = (url: string, extra: Record<string, unknown> = {}) =>
  createBackend(httpModel({ api: 'triton', model: 'ensemble', endpoints: [url], imageTransport: 'url', ...extra }), quietCtx);

let standin: TritonStandin;
beforeAll(async () => { standin = await startTritonStandin({ delayMs: 1 }); });
afterAll(() => standin.close());

describe('http backend, api triton (protocol stand-in)', () => {
  it('streams from generate_stream with the family-rendered prompt and ensemble field names', async () => {
    const b = await triton(standin.url);
    try {
      const r = req('what colour is it');
      const out = await gen(b, r);
      const { prompt, stop } = getFamily('llava-1.5').renderPrompt(r.messages);
      const sent = standin.requests.at(-1)!;
      expect(sent.path).toBe('/v2/models/ensemble/generate_stream');
      expect(sent.body).toMatchObject({ text_input: prompt, max_tokens: 16, temperature: 0, top_k: 1, stream: true });
      expect(sent.body.text_input).toContain('<image>');
      expect(String(sent.body.image_url_input)).toMatch(/^data:image\/png;base64,/);
      if (stop.length > 0) expect(sent.body.stop_words).toEqual(stop);
      expect(out.text).toMatch(/^ASSISTANT: it is colour what img:[0-9a-f]{8}$/);
      expect(out.prompt).toBe(prompt);
      expect(out.timings.chunkMs).toHaveLength(6);
      expect(out.timings.firstTokenMs).toBe(out.timings.chunkMs[0]);
      // Triton reports no usage: without a tokenizer the counts are estimates, and say so.
      expect(out.usage.source).toBe('estimate');
      expect(out.usage.completionTokens).toBe(6);
    } finally { await b.close?.(); }
  });

  it('uses generate when not streaming and removes the echoed prompt', async () => {
    const b = await triton(standin.url, { stream: false });
    try {
      const out = await gen(b, req('one two'));
      expect(standin.requests.at(-1)!.path).toBe('/v2/models/ensemble/generate');
      expect(out.text).toMatch(/^ASSISTANT: two one img:[0-9a-f]{8}$/);
      expect(out.timings.firstTokenMs).toBeUndefined();
    } finally { await b.close?.(); }
  });

  it('sends raw bytes as image_bytes_input when imageTransport is bytes', async () => {
    const b = await triton(standin.url, { imageTransport: 'bytes' });
    try {
      const viaBytes = await gen(b, req('x'));
      const body = standin.requests.at(-1)!.body;
      expect(body.image_url_input).toBeUndefined();
      expect(Buffer.from(body.image_bytes_input as number[]).equals(PNG)).toBe(true);
      const viaUrl = await triton(standin.url).then(async (u) => { try { return await gen(u, req('x')); } finally { await u.close?.(); } });
      expect(viaBytes.text).toBe(viaUrl.text);
    } finally { await b.close?.(); }
  });

  it('handles accumulate_tokens (each event carries the text so far)', async () => {
    const b = await triton(standin.url, { extraBody: { accumulate_tokens: true } });
    try {
      const out = await gen(b, req('a b c'));
      expect(out.text).toMatch(/^ASSISTANT: c b a img:[0-9a-f]{8}$/);
      expect(out.timings.chunkMs).toHaveLength(5);
    } finally { await b.close?.(); }
  });

  it('maps renamed fields from tritonFields', async () => {
    const other = await startTritonStandin({ model: 'llm' });
    const b = await triton(other.url, { model: 'llm', tritonFields: { stop_words: 'bad_words' } });
    try {
      await gen(b, { ...req('x'), params: { maxTokens: 4, temperature: 0, stop: ['###'] } });
      expect(other.requests.at(-1)!.body.bad_words).toEqual(expect.arrayContaining(['###']));
      expect(other.requests.at(-1)!.body.stop_words).toBeUndefined();
    } finally { await b.close?.(); await other.close(); }
    await expect(triton(standin.url, { tritonFields: { txt: 'prompt' } })).rejects.toMatchObject({ field: 'backend.tritonFields.txt' });
  });

  it('detects an error event after a 200 and refuses unknown extras up front', async () => {
    const failing = await startTritonStandin({ errorAfter: 2 });
    const b = await triton(failing.url);
    try {
      const err = await gen(b, req('a b c d')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_HTTP', retryable: false, message: expect.stringContaining('out of KV cache blocks') });
    } finally { await b.close?.(); await failing.close(); }
    await expect(triton(standin.url, { extraBody: { nonsense: 1 } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports the server error for an unknown model as a non-retryable HTTP 400', async () => {
    const b = await triton(standin.url, { model: 'nope' });
    try {
      const err = await gen(b, req('x')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_HTTP', retryable: false, message: expect.stringContaining("unknown model: 'nope'") });
    } finally { await b.close?.(); }
  });
});

describe('applyTritonEvent with accumulate_tokens', () => {
  const errCtx = { url: 'http://h/v2/models/ensemble/generate_stream', secrets: [] };
  const run = (outputs: string[], prompt = 'USER: <image>\nq ASSISTANT:') => {
    const st = newStreamState();
    const pieces: string[] = [];
    outputs.forEach((o, i) => applyTritonEvent(st, { event: 'message', data: JSON.stringify({ text_output: o }) }, i + 1, {
      fields: TRITON_DEFAULT_FIELDS, cumulative: true, prompt, errCtx, onToken: (e) => pieces.push(e.text),
    }));
    return { st, pieces };
  };

  it('strips an echoed prompt from every event, not only the first', () => {
    const p = 'USER: <image>\nq ASSISTANT:';
    const { st, pieces } = run([`${p} a`, `${p} a b`, `${p} a b c`]);
    expect(st.text).toBe(' a b c');
    expect(pieces).toEqual([' a', ' b', ' c']);
  });

  it('follows a detokeniser that revises its tail (a multi-byte character completed later)', () => {
    const { st } = run(['caf\uFFFD', 'café', 'café au lait']);
    expect(st.text).toBe('café au lait');
    expect(st.chunkMs).toEqual([1, 2, 3]);
  });
});
