import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { createScheduler } from '../../../src/runner/scheduler.ts';
import { createOpenAiServer, type OpenAiServer } from '../../../src/serve/server.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { createEchoBackend } from '../../serve/echo-backend.ts';
import { httpModel, quietCtx } from './model.ts';

/**
 * Misbehaving servers, injected by the fault proxy in front of a real `vlmbench serve` server core and
 * driven through the runner's scheduler: a stream without a single choice, a server ignoring
 * max_tokens, and a Retry-After far beyond what the run is willing to wait.
 */
let server: OpenAiServer;
let proxy: FaultProxy;
let streamed: Backend;
let oneShot: Backend;

beforeAll(async () => {
  server = await createOpenAiServer({ backends: new Map([['echo', createEchoBackend({ delayMs: 1 })]]) });
  proxy = await startFaultProxy(server.url);
  streamed = await createBackend(httpModel({ server: 'vlmbench', endpoints: [proxy.url] }), quietCtx);
  oneShot = await createBackend(httpModel({ server: 'vlmbench', endpoints: [proxy.url], stream: false }), quietCtx);
});
afterAll(async () => {
  await streamed.close?.();
  await oneShot.close?.();
  await proxy.close();
  await server.close();
});

const req = (id: string, maxTokens = 8): VlmRequest => ({ sampleId: id, messages: [userMessage(`alpha ${id}`)], params: { maxTokens, temperature: 0 } });
const scheduler = (retry: Record<string, number> = {}) =>
  createScheduler({ concurrency: 1, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 1000, jitter: 0, ...retry }, timeoutMs: 10_000 });

describe('a response without a single choice', () => {
  it('is an E_PARSE error streamed, as it is one-shot', async () => {
    proxy.plan([{ kind: 'emptyChoices', count: 3 }, { kind: 'emptyChoices', count: 0, stream: false }]);
    const s = await scheduler().submit(streamed, req('s'));
    const o = await scheduler().submit(oneShot, req('o'));
    expect(s.ok).toBe(false);
    expect(o.ok).toBe(false);
    if (s.ok || o.ok) return;
    expect(s.error).toMatchObject({ code: 'E_PARSE', retryable: false });
    expect(s.error.message).toMatch(/ended without a single choice/);
    expect(o.error).toMatchObject({ code: 'E_PARSE' });
    expect(o.error.message).toMatch(/no choices/);
    // And a normal answer still goes through afterwards.
    expect((await scheduler().submit(streamed, req('ok'))).ok).toBe(true);
  });
});

describe('a server that ignores max_tokens', () => {
  const MiB = 1024 * 1024;
  it('big chunks: reading stops at the byte limit (factor 4 × maxTokens × 2 KiB), not after 64 MiB', async () => {
    const before = proxy.floodedBytes;
    proxy.plan([{ kind: 'flood', chunkBytes: 64 * 1024, totalBytes: 64 * MiB }]);
    const r = await scheduler().submit(streamed, req('big'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'E_HTTP', retryable: false, field: 'backend.responseLimitFactor' });
    expect(r.error.message).toMatch(/exceeded 131072 bytes/);
    expect(r.attempts).toBe(1);
    // What the server got to write before the client hung up: socket buffers, far from 64 MiB.
    await new Promise((res) => setTimeout(res, 100));
    expect(proxy.floodedBytes - before).toBeLessThan(16 * MiB);
  });

  it('small chunks: reading stops at the token limit', async () => {
    proxy.plan([{ kind: 'flood', chunkBytes: 150, totalBytes: 8 * MiB }]);
    const r = await scheduler().submit(streamed, req('small'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(/exceeded 32 tokens/);
  });

  it('one-shot: a body beyond the byte limit is not read to the end', async () => {
    proxy.plan([{ kind: 'flood', chunkBytes: 0, totalBytes: 4 * MiB, stream: false }]);
    const r = await scheduler().submit(oneShot, req('body'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(/exceeded 131072 bytes/);
  });

  it('the factor is configurable', async () => {
    const wide = await createBackend(httpModel({ server: 'vlmbench', endpoints: [proxy.url], responseLimitFactor: 8 }), quietCtx);
    proxy.plan([{ kind: 'flood', chunkBytes: 150, totalBytes: 8 * MiB }]);
    const r = await scheduler().submit(wide, req('wide'));
    await wide.close?.();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/exceeded 64 tokens/);
  });
});

describe('Retry-After', () => {
  it('beyond run.retry.maxRetryAfterMs is not waited for; the error says what the server asked', async () => {
    proxy.plan([{ kind: 'status', status: 429, retryAfterS: 40 }]);
    const t0 = Date.now();
    const r = await scheduler().submit(streamed, req('far'));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.attempts).toBe(1);
    expect(r.error.code).toBe('E_RATE_LIMIT');
    expect(r.error.message).toMatch(/asked to retry after 40 s, more than run\.retry\.maxRetryAfterMs = 30 s/);
  });

  it('within the ceiling it is honoured (even above maxDelayMs), and the retry succeeds', async () => {
    proxy.plan([{ kind: 'status', status: 503, retryAfterS: 0.3 }]);
    const t0 = Date.now();
    const r = await scheduler({ maxDelayMs: 10, maxRetryAfterMs: 1000 }).submit(streamed, req('near'));
    expect(r.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('the ceiling is configurable', async () => {
    proxy.plan([{ kind: 'status', status: 503, retryAfterS: 0.3 }]);
    const r = await scheduler({ maxRetryAfterMs: 100 }).submit(streamed, req('low'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/asked to retry after 0\.3 s, more than run\.retry\.maxRetryAfterMs = 0\.1 s/);
  });
});
