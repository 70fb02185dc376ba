import { describe, expect, it } from 'vitest';
import { startClientMonitor, type ClientStats } from '../../src/perf/client-monitor.ts';
import { saturationReasons } from '../../src/perf/saturation.ts';

const healthy: ClientStats = { loopDelayP50Ms: 0.1, loopDelayP99Ms: 1, loopDelayMaxMs: 2, cpuCores: 0.2, cpuUserMs: 1, cpuSystemMs: 1, wallMs: 1000, cpus: 2, node: 'v20' };

describe('saturationReasons', () => {
  it('passes a healthy client at its target concurrency', () => {
    expect(saturationReasons({ client: healthy, targetConcurrency: 8, steadyConcurrency: 7.9 })).toEqual([]);
  });
  it('flags loop delay, CPU and missed concurrency, each with its reason', () => {
    const r = saturationReasons({ client: { ...healthy, loopDelayP99Ms: 12, cpuCores: 0.97 }, targetConcurrency: 8, steadyConcurrency: 5 });
    expect(r).toHaveLength(3);
    expect(r[0]).toMatch(/event-loop delay p99 12\.0 ms > 5 ms/);
    expect(r[1]).toMatch(/CPU 97% of a core/);
    expect(r[2]).toMatch(/achieved concurrency 5\.00 < 90% of target 8/);
  });
  it('says when a late loop comes from other processes rather than the client', () => {
    const [r] = saturationReasons({ client: { ...healthy, loopDelayP99Ms: 9, cpuCores: 0.1 }, targetConcurrency: null, steadyConcurrency: null });
    expect(r).toMatch(/only 10% of a core: other processes hold the CPU/);
  });
  it('flags an open-loop client that sends behind its arrival schedule', () => {
    const r = saturationReasons({ client: healthy, targetConcurrency: null, steadyConcurrency: null, sendLatenessP90Ms: 25 });
    expect(r).toEqual([expect.stringMatching(/p90 25\.0 ms behind the arrival schedule > 10 ms/)]);
    expect(saturationReasons({ client: healthy, targetConcurrency: null, steadyConcurrency: null, sendLatenessP90Ms: 3 })).toEqual([]);
  });
  it('skips the CPU rule when the CPU figure includes an in-process server, and the concurrency rule in rate mode', () => {
    expect(saturationReasons({ client: { ...healthy, cpuCores: 1.5 }, targetConcurrency: null, steadyConcurrency: 1, cpuShared: true })).toEqual([]);
  });
});

describe('startClientMonitor', () => {
  it('sees a blocked event loop and the CPU it burnt', async () => {
    const m = startClientMonitor();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 15));
      const t = performance.now();
      while (performance.now() - t < 30); // block the loop for 30 ms
    }
    const s = m.stop();
    expect(s.loopDelayMaxMs).toBeGreaterThan(20);
    expect(s.cpuCores).toBeGreaterThan(0.1); // a busy-wait on a shared machine is not always on a core
    expect(s.wallMs).toBeGreaterThan(150);
  });
});
