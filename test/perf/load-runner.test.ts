import { describe, expect, it } from 'vitest';
import type { VlmResult } from '../../src/core/response.ts';
import type { PerfDriver } from '../../src/core/suite.ts';
import { runLoadPoint } from '../../src/perf/load-runner.ts';
import type { WorkItem } from '../../src/perf/workload.ts';

const item: WorkItem = { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], params: { maxTokens: 4, temperature: 0 }, text: 'hi', images: [], imageBytes: 0 };

const ok = (): VlmResult => ({
  ok: true, text: 'x', finishReason: 'stop',
  usage: { promptTokens: 3, completionTokens: 1, source: 'backend' },
  timings: { startedAt: 0, firstTokenMs: 1, chunkMs: [1], chunkTokens: [1], endMs: 1 },
});

function fakeDriver(over: Partial<PerfDriver> = {}) {
  const controller = new AbortController();
  const driver: PerfDriver = {
    model: { info: { id: 'm', family: 'llava-1.5', backend: 'fake', files: [] }, family: 'llava-1.5' },
    capabilities: {} as PerfDriver['capabilities'],
    done: new Set(),
    signal: controller.signal,
    send: async () => ok(),
    record: async () => {},
    ...over,
  };
  return { driver, controller };
}

describe('runLoadPoint', () => {
  it('rate mode: an abort wakes the arrival scheduler at once instead of at the next arrival', async () => {
    const { driver, controller } = fakeDriver();
    // 0.05 req/s: the second arrival is tens of seconds away.
    const run = runLoadPoint({ driver, point: { label: 'rate0.05', mode: 'rate', ratePerS: 0.05, seed: 1 }, items: [item, item, item], warmup: 0, backend: { type: 'fake', parallelSequences: null } });
    setTimeout(() => controller.abort(), 50);
    const t = performance.now();
    await expect(run).resolves.toBe('ran');
    expect(performance.now() - t).toBeLessThan(2000);
  }, 10_000);

  it('rate mode: a failing journal write rejects the point instead of escaping as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { driver } = fakeDriver({ record: async () => { throw new Error('disk full'); } });
      // The first arrival is at 0; later ones come while the scheduler still sleeps.
      const run = runLoadPoint({ driver, point: { label: 'rate5', mode: 'rate', ratePerS: 5, seed: 3 }, items: [item, item, item], warmup: 0, backend: { type: 'fake', parallelSequences: null } });
      await expect(run).rejects.toThrow('disk full');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 10_000);
});
