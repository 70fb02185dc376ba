import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/core/backend.ts';
import { BackendError } from '../../src/core/errors.ts';
import type { VlmRequest } from '../../src/core/request.ts';
import { retryDelayMs } from '../../src/runner/retry-policy.ts';
import { createScheduler } from '../../src/runner/scheduler.ts';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.25 };
const req: VlmRequest = { sampleId: 's', messages: [], params: { maxTokens: 4, temperature: 0 } };

function backend(behaviour: (attempt: number, signal: AbortSignal) => Promise<string>): Backend & { calls: number; maxConcurrent: number } {
  let active = 0;
  const b = {
    calls: 0,
    maxConcurrent: 0,
    info: { id: 'b', family: 'llava-1.5', backend: 'custom', files: [] },
    capabilities: { images: false, multiImage: false, streaming: false, parallelSequences: 8 },
    async generate(_r: VlmRequest, opts: { signal: AbortSignal }) {
      b.calls++;
      active++;
      b.maxConcurrent = Math.max(b.maxConcurrent, active);
      try {
        const text = await behaviour(b.calls, opts.signal);
        return { text, finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, source: 'estimate' as const }, timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 1 } };
      } finally {
        active--;
      }
    },
  };
  return b;
}

describe('retryDelayMs (pure policy)', () => {
  it('backs off exponentially with bounded multiplicative jitter', () => {
    expect(retryDelayMs(1, { retryable: true }, policy, () => 0.5)).toBe(100);
    expect(retryDelayMs(2, { retryable: true }, policy, () => 0.5)).toBe(200);
    expect(retryDelayMs(3, { retryable: true }, policy, () => 0)).toBe(300); // 400 × 0.75
    expect(retryDelayMs(3, { retryable: true }, policy, () => 1)).toBe(500); // 400 × 1.25
  });
  it('caps at maxDelayMs, stops after the last attempt and never retries non-retryable errors', () => {
    expect(retryDelayMs(3, { retryable: true }, { ...policy, attempts: 10, maxDelayMs: 250 }, () => 1)).toBe(250);
    expect(retryDelayMs(4, { retryable: true }, policy, () => 0.5)).toBeNull();
    expect(retryDelayMs(1, { retryable: false }, policy, () => 0.5)).toBeNull();
  });
  it('honours a longer Retry-After', () => {
    expect(retryDelayMs(1, { retryable: true, retryAfterMs: 2000 }, policy, () => 0.5)).toBe(2000);
  });
});

describe('createScheduler', () => {
  it('never exceeds the concurrency limit', async () => {
    const b = backend(async () => { await new Promise((r) => setTimeout(r, 5)); return 'x'; });
    const s = createScheduler({ concurrency: 3, retry: policy, timeoutMs: 1000 });
    const results = await Promise.all(Array.from({ length: 12 }, () => s.submit(b, req)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(b.maxConcurrent).toBe(3);
  });

  it('retries retryable errors and returns the error value after the last attempt', async () => {
    const b = backend(async () => { throw new BackendError('503', { code: 'E_HTTP', retryable: true }); });
    const s = createScheduler({ concurrency: 1, retry: { ...policy, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 1000 });
    const r = await s.submit(b, req);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.attempts).toBe(4);
      expect(r.error).toEqual({ code: 'E_HTTP', message: '503', retryable: true });
    }
    expect(b.calls).toBe(4);
  });

  it('does not retry a non-retryable error', async () => {
    const b = backend(async () => { throw new BackendError('400 bad request', { code: 'E_HTTP', retryable: false }); });
    const r = await createScheduler({ concurrency: 1, retry: policy, timeoutMs: 1000 }).submit(b, req);
    expect(r.ok).toBe(false);
    expect(b.calls).toBe(1);
  });

  it('turns a hung request into E_TIMEOUT (retryable) and aborts it', async () => {
    let aborted = 0;
    const b = backend((_a, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => { aborted++; reject(signal.reason); })));
    const r = await createScheduler({ concurrency: 1, retry: { ...policy, attempts: 2, baseDelayMs: 1 }, timeoutMs: 30 }).submit(b, req);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('E_TIMEOUT');
    expect(aborted).toBe(2);
  });

  it('does not start queued requests once shouldStart says stop', async () => {
    let stop = false;
    const b = backend(async () => { stop = true; return 'x'; });
    const s = createScheduler({ concurrency: 1, retry: policy, timeoutMs: 1000 });
    const [a, c] = await Promise.all([s.submit(b, req, { shouldStart: () => !stop }), s.submit(b, req, { shouldStart: () => !stop })]);
    expect(a.ok).toBe(true);
    expect(c.ok).toBe(false);
    if (!c.ok) { expect(c.error.code).toBe('E_ABORTED'); expect(c.attempts).toBe(0); }
    expect(b.calls).toBe(1);
  });
});
