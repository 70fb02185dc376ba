import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import type { VlmResult } from '../../../src/core/response.ts';
import { createScheduler } from '../../../src/runner/scheduler.ts';
import { createOpenAiServer, type OpenAiServer } from '../../../src/serve/server.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { createEchoBackend } from '../../serve/echo-backend.ts';
import { httpModel, quietCtx } from './model.ts';

/**
 * Faults injected by a real proxy between the real HTTP client and a real server, driven through the
 * runner's scheduler: retryable failures are retried and succeed, the rest are recorded as errors,
 * and nothing hangs or leaks an unhandled rejection.
 */

let server: OpenAiServer;
let proxy: FaultProxy;
let backend: Backend;

beforeAll(async () => {
  server = await createOpenAiServer({ backends: new Map([['echo', createEchoBackend({ delayMs: 2 })]]) });
  proxy = await startFaultProxy(server.url);
  // The backend's own timeout turns the slow first byte into a retryable E_TIMEOUT.
  backend = await createBackend(httpModel({ server: 'vlmbench', endpoints: [proxy.url], timeoutMs: 300 }), quietCtx);
});
afterAll(async () => {
  await backend.close?.();
  await proxy.close();
  await server.close();
});

const req = (id: string): VlmRequest => ({ sampleId: id, messages: [userMessage(`alpha beta ${id}`)], params: { maxTokens: 8, temperature: 0 } });
const retry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, jitter: 0 };

describe('http backend under injected faults, through the scheduler', () => {
  it('retries 5xx, resets, slow first bytes, mid-stream drops and 429; records 4xx and in-stream errors', async () => {
    const pass: Fault = { kind: 'pass' };
    // Each request's faults, attempt by attempt, ending in a pass where a retry should succeed.
    const plan: Array<[string, Fault[]]> = [
      ['s500', [{ kind: 'status', status: 500 }, pass]],
      ['reset', [{ kind: 'reset' }, pass]],
      ['slow', [{ kind: 'slowFirstByte', delayMs: 1500 }, pass]],
      ['drop', [{ kind: 'dropMidStream', afterEvents: 2 }, pass]],
      ['s429', [{ kind: 'status', status: 429, retryAfterS: 0.02 }, pass]],
      ['inband', [{ kind: 'errorAfter200', afterEvents: 2, error: { message: 'context length exceeded', code: 400 } }]],
      ['s400', [{ kind: 'status', status: 400 }]],
      ['s503x3', [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }, { kind: 'status', status: 503 }]],
      ['clean', [pass]],
    ];
    proxy.plan(plan.flatMap(([, f]) => f));
    // Concurrency 1 keeps the proxy's arrival order equal to the plan's order.
    const scheduler = createScheduler({ concurrency: 1, retry, timeoutMs: 5_000 });
    const results = new Map<string, VlmResult>();
    await Promise.all(plan.map(async ([id]) => { results.set(id, await scheduler.submit(backend, req(id))); }));

    const summary = Object.fromEntries([...results].map(([id, r]) => [id, r.ok ? 'ok' : `${r.error.code}×${r.attempts}`]));
    for (const id of ['s500', 'reset', 'slow', 'drop', 's429', 'clean']) {
      const r = results.get(id)!;
      expect(r.ok, `${id}: ${JSON.stringify(summary)}`).toBe(true);
      if (r.ok) expect(r.text).toBe(`${id} beta alpha`);
    }
    expect(results.get('inband')).toMatchObject({ ok: false, attempts: 1, error: { code: 'E_HTTP', retryable: false } });
    expect((results.get('inband') as { error: { message: string } }).error.message).toContain('context length exceeded');
    expect(results.get('s400')).toMatchObject({ ok: false, attempts: 1, error: { code: 'E_HTTP', retryable: false } });
    expect(results.get('s503x3')).toMatchObject({ ok: false, attempts: 3, error: { code: 'E_HTTP', retryable: true } });
    expect(proxy.log).toEqual([
      'status 500', 'pass', 'reset', 'pass', 'slowFirstByte', 'pass', 'dropMidStream', 'pass', 'status 429', 'pass',
      'errorAfter200', 'status 400', 'status 503', 'status 503', 'status 503', 'pass',
    ]);
    expect(scheduler.inFlight).toBe(0);
  });

  it("retries a slow first byte cut by the scheduler's own per-attempt timeout", async () => {
    const patient = await createBackend(httpModel({ server: 'vlmbench', endpoints: [proxy.url] }), quietCtx);
    try {
      const logStart = proxy.log.length;
      proxy.plan([{ kind: 'slowFirstByte', delayMs: 2000 }, { kind: 'pass' }]);
      const scheduler = createScheduler({ concurrency: 1, retry, timeoutMs: 250 });
      const r = await scheduler.submit(patient, req('late'));
      expect(r).toMatchObject({ ok: true, text: 'late beta alpha' });
      expect(proxy.log.slice(logStart)).toEqual(['slowFirstByte', 'pass']);
      proxy.plan([{ kind: 'slowFirstByte', delayMs: 2000 }]);
      const gaveUp = await createScheduler({ concurrency: 1, retry: { ...retry, attempts: 1 }, timeoutMs: 250 }).submit(patient, req('never'));
      expect(gaveUp).toMatchObject({ ok: false, attempts: 1, error: { code: 'E_TIMEOUT', retryable: true } });
    } finally { await patient.close?.(); }
  });

  it('completes a concurrent run with faults mixed in, every request accounted for', async () => {
    const faults: Fault[] = [
      { kind: 'reset' }, { kind: 'status', status: 502 }, { kind: 'dropMidStream', afterEvents: 1 },
      { kind: 'errorAfter200', afterEvents: 3, error: { message: 'engine overloaded', code: 503 } },
      { kind: 'slowFirstByte', delayMs: 1000 }, { kind: 'reset' },
    ];
    const logStart = proxy.log.length;
    proxy.plan(faults);
    const scheduler = createScheduler({ concurrency: 4, retry: { ...retry, attempts: 4 }, timeoutMs: 5_000 });
    const ids = Array.from({ length: 16 }, (_, i) => `r${i}`);
    const results = await Promise.all(ids.map((id) => scheduler.submit(backend, req(id))));
    // 6 faults over 16 requests with up to 4 attempts each: all succeed, and retries add up.
    expect(results.every((r) => r.ok)).toBe(true);
    results.forEach((r, i) => { if (r.ok) expect(r.text).toBe(`r${i} beta alpha`); });
    const log = proxy.log.slice(logStart);
    expect(log.filter((k) => k !== 'pass')).toHaveLength(faults.length);
    expect(log).toHaveLength(16 + faults.length);
  });
});
