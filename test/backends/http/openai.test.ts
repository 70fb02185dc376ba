import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { ConfigError, VlmbenchError } from '../../../src/core/errors.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import type { TokenEvent } from '../../../src/core/response.ts';
import { createOpenAiServer, type OpenAiServer } from '../../../src/serve/server.ts';
import { startScriptedServer } from '../../helpers/scripted-server.ts';
import { testClock } from '../../helpers/virtual-clock.ts';
import { createEchoBackend, expectedEcho, type EchoBackend } from '../../serve/echo-backend.ts';
import { httpModel, quietCtx } from './model.ts';

// Timing checks run on a virtual clock shared with the scripted server (exact, whatever the load).
vi.mock('../../../src/core/backend.ts', async (orig) => (await import('../../helpers/virtual-clock.ts')).mockNow(orig));
afterEach(() => testClock.reset());

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const dir = mkdtempSync(join(tmpdir(), 'vlmbench-http-'));
const pngPath = join(dir, 'dot.png');
writeFileSync(pngPath, PNG);

const req = (text: string, maxTokens = 16, image = false): VlmRequest => ({
  sampleId: 's1',
  messages: [image ? userMessage({ kind: 'path', path: pngPath }, text) : userMessage(text)],
  params: { maxTokens, temperature: 0 },
});
const gen = (b: Backend, r: VlmRequest, onToken?: (e: TokenEvent) => void) =>
  b.generate(r, { signal: new AbortController().signal, onToken });

let server: OpenAiServer;
let echo: EchoBackend;
let backend: Backend;

beforeAll(async () => {
  echo = createEchoBackend({ firstDelayMs: 30 });
  server = await createOpenAiServer({ backends: new Map([['echo', echo]]) });
  backend = await createBackend(httpModel({ server: 'vlmbench', endpoints: [`${server.url}/v1`] }), quietCtx);
});
afterAll(async () => {
  await backend.close?.();
  await server.close();
});

describe('http backend, api openai, against vlmbench serve', () => {
  it('returns the same text as the backend called directly, with per-chunk timings and server usage', async () => {
    const r = req('the quick brown fox', 16, true);
    const events: TokenEvent[] = [];
    const out = await gen(backend, r, (e) => events.push(e));
    const direct = await gen(echo, r);
    expect(out.text).toBe(direct.text);
    expect(out.text).toBe(expectedEcho(r).join(' '));
    expect(out.finishReason).toBe('stop');
    expect(out.usage).toEqual({ promptTokens: 7, completionTokens: 5, source: 'backend' });
    expect(out.timings.chunkMs).toHaveLength(5);
    expect(out.timings.chunkTokens).toEqual([1, 1, 1, 1, 1]);
    // The role chunk leaves before the 30 ms first-token delay: TTFT must not stop on it.
    expect(out.timings.firstTokenMs).toBeGreaterThanOrEqual(29);
    expect(out.timings.endMs).toBe(out.timings.chunkMs.at(-1));
    expect(events.map((e) => e.text).join('')).toBe(out.text);
    expect(events.map((e) => e.atMs)).toEqual(out.timings.chunkMs);
  });

  it('sends the image file as a data URL the server decodes to the same bytes', async () => {
    await gen(backend, req('look', 4, true));
    const part = echo.calls.at(-1)!.messages[0]!.content[0]!;
    expect(part.type === 'image' && part.image.kind === 'buffer' && Buffer.from(part.image.data).equals(PNG)).toBe(true);
  });

  it('rejects a file that is not an image with E_IMAGE before anything is sent', async () => {
    const calls = echo.calls.length;
    const r: VlmRequest = { ...req('x'), messages: [userMessage({ kind: 'buffer', data: new TextEncoder().encode('not an image'), name: 'a.txt' }, 'x')] };
    await expect(gen(backend, r)).rejects.toMatchObject({ code: 'E_IMAGE', message: expect.stringContaining('a.txt') });
    await expect(gen(backend, { ...r, messages: [userMessage({ kind: 'path', path: join(dir, 'missing.png') }, 'x')] }))
      .rejects.toMatchObject({ code: 'E_IMAGE', file: join(dir, 'missing.png') });
    expect(echo.calls.length).toBe(calls);
  });

  it('stops at max_tokens with finish reason length', async () => {
    const out = await gen(backend, req('a b c d e f', 3));
    expect(out.text).toBe('f e d');
    expect(out.finishReason).toBe('length');
  });

  it('works non-streamed (stream: false): text and usage, no TTFT', async () => {
    const b = await createBackend(httpModel({ server: 'vlmbench', endpoints: [server.url], stream: false }), quietCtx);
    try {
      const out = await gen(b, req('x y'));
      expect(out.text).toBe('y x');
      expect(out.timings.firstTokenMs).toBeUndefined();
      expect(out.usage.source).toBe('backend');
    } finally { await b.close?.(); }
  });

  it('classifies an unknown model (404) as a non-retryable E_HTTP error', async () => {
    const b = await createBackend(httpModel({ server: 'vlmbench', endpoints: [server.url], model: 'missing' }), quietCtx);
    try {
      const err = await gen(b, req('x')).catch((e: unknown) => e) as VlmbenchError;
      expect(err).toBeInstanceOf(VlmbenchError);
      expect(err).toMatchObject({ code: 'E_HTTP', retryable: false });
      expect(err.message).toContain('HTTP 404');
      expect(err.message).toContain("model 'missing' does not exist");
    } finally { await b.close?.(); }
  });
});

describe('http backend, api openai, scripted servers', () => {
  it('starts TTFT at the first chunk with text, not the role-only or empty chunk; keeps llama-server timings', async () => {
    testClock.enabled = true;
    const s = await startScriptedServer({ firstTokenMs: 40, intervalMs: 5, tokens: 4, roleChunk: true, emptyFirstChunk: true, serverTimings: true, finishReason: 'stop' }, { clock: testClock });
    const b = await createBackend(httpModel({ server: 'llama-server', endpoints: [s.url] }), quietCtx);
    try {
      const out = await gen(b, req('q'));
      expect(out.text).toBe('t0 t1 t2 t3 ');
      expect(out.timings.firstTokenMs).toBe(40);
      expect(out.timings.chunkMs).toEqual([40, 45, 50, 55]);
      // TTFB is the role-only chunk, sent before the 40 ms first-token delay: the gap stays visible.
      expect(out.timings.firstByteMs).toBe(0);
      expect(out.serverMetrics).toMatchObject({ prompt_n: 100, predicted_n: 4, predicted_ms: 55 });
      expect(out.usage).toEqual({ promptTokens: 100, completionTokens: 4, source: 'backend' });
      expect(s.requests[0]!.body.stream_options).toEqual({ include_usage: true });
    } finally { await b.close?.(); await s.close(); }
  });

  it('spreads per-chunk token counts from continuous usage (several tokens per chunk)', async () => {
    const s = await startScriptedServer({ firstTokenMs: 1, intervalMs: 1, tokens: 7, tokensPerChunk: 3, continuousUsage: true });
    const b = await createBackend(httpModel({ server: 'vllm', endpoints: [s.url] }), quietCtx);
    try {
      const out = await gen(b, req('q'));
      expect(out.timings.chunkTokens).toEqual([3, 3, 1]);
      expect(s.requests[0]!.body.stream_options).toEqual({ include_usage: true, continuous_usage_stats: true });
    } finally { await b.close?.(); await s.close(); }
  });

  it('counts tokens with the configured tokenizer when the server sends no usage, and says so', async () => {
    const vocab: Record<string, number> = { '[UNK]': 0, t0: 1, t1: 2, t2: 3, q: 4 };
    const tokPath = join(dir, 'tokenizer.json');
    writeFileSync(tokPath, JSON.stringify({
      version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
      pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
      model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
    }));
    const s = await startScriptedServer({ firstTokenMs: 1, intervalMs: 1, tokens: 6, tokensPerChunk: 2, usage: false });
    const withTok = await createBackend(httpModel({ server: 'openai', endpoints: [s.url], tokenizer: tokPath }), quietCtx);
    const without = await createBackend(httpModel({ server: 'openai', endpoints: [s.url] }), quietCtx);
    try {
      const a = await gen(withTok, req('q'));
      expect(a.usage).toEqual({ promptTokens: 1, completionTokens: 6, source: 'tokenizer' });
      expect(a.timings.chunkTokens).toEqual([2, 2, 2]);
      const b = await gen(without, req('q'));
      expect(b.usage.source).toBe('estimate');
      expect(b.timings.chunkTokens).toEqual([1, 1, 1]);
    } finally { await withTok.close?.(); await without.close?.(); await s.close(); }
  });

  it('classifies 429 with Retry-After and 503 as retryable, 400 as not', async () => {
    for (const [status, code, retryable, after] of [[429, 'E_RATE_LIMIT', true, 2000], [503, 'E_HTTP', true, undefined], [400, 'E_HTTP', false, undefined]] as const) {
      const s = await startScriptedServer({ firstTokenMs: 0, intervalMs: 0, tokens: 1, status, ...(after ? { retryAfterS: after / 1000 } : {}) });
      const b = await createBackend(httpModel({ endpoints: [s.url] }), quietCtx);
      try {
        const err = await gen(b, req('q')).catch((e: unknown) => e);
        expect(err).toMatchObject({ code, retryable, retryAfterMs: after });
      } finally { await b.close?.(); await s.close(); }
    }
  });

  it('refuses extraBody fields the server would reject, naming the field', async () => {
    const p = createBackend(httpModel({ server: 'trtllm-serve', endpoints: ['http://127.0.0.1:9'], extraBody: { top_k: 1, cache_prompt: true } }), quietCtx);
    await expect(p).rejects.toBeInstanceOf(ConfigError);
    await expect(p).rejects.toMatchObject({ field: 'backend.extraBody.cache_prompt' });
    const ok = await createBackend(httpModel({ server: 'llama-server', endpoints: ['http://127.0.0.1:9'], extraBody: { cache_prompt: true } }), quietCtx);
    await ok.close?.();
  });

  it('sends allowlisted extras and ignore_eos only where the server takes them', async () => {
    const s = await startScriptedServer({ firstTokenMs: 0, intervalMs: 0, tokens: 1 });
    const trt = await createBackend(httpModel({ server: 'trtllm-serve', endpoints: [s.url], extraBody: { top_k: 1 } }), quietCtx);
    const oai = await createBackend(httpModel({ server: 'openai', endpoints: [s.url] }), quietCtx);
    try {
      const r = { ...req('q'), params: { maxTokens: 4, temperature: 0, ignoreEos: true, seed: 3, stop: ['x'] } };
      await gen(trt, r);
      await gen(oai, r);
      expect(s.requests[0]!.body).toMatchObject({ model: 'echo', max_tokens: 4, temperature: 0, top_k: 1, ignore_eos: true, seed: 3, stop: ['x'], stream: true });
      expect(s.requests[1]!.body).not.toHaveProperty('ignore_eos');
      expect(s.requests[1]!.body).not.toHaveProperty('stream_options.continuous_usage_stats');
    } finally { await trt.close?.(); await oai.close?.(); await s.close(); }
  });
});
