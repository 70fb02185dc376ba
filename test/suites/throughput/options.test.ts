import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../../src/runner/suites.ts';
import { LatencyOptions } from '../../../suites/latency/latency.ts';
import { ThroughputOptions } from '../../../suites/throughput/options.ts';
import { loadPoints } from '../../../suites/throughput/throughput.ts';

describe('performance suite options and registration', () => {
  it('both suites load by name through the runner registry', async () => {
    const lat = await loadSuite('latency', 'suites[0].name');
    const thr = await loadSuite('throughput', 'suites[1].name');
    expect([lat.kind, lat.name, thr.kind, thr.name]).toEqual(['performance', 'latency', 'performance', 'throughput']);
  });
  it('defaults: fixed output length, generated 336² images, a 1…64 sweep, Poisson arrivals', () => {
    const t = ThroughputOptions.parse({});
    expect(t).toMatchObject({ mode: 'concurrency', concurrency: [1, 2, 4, 8, 16, 32, 64], burstiness: 1, fixedOutput: true, images: 'generated', sizes: [{ width: 336, height: 336 }] });
    expect(LatencyOptions.parse({})).toMatchObject({ requests: 10, repeats: 3, warmup: 2 });
  });
  it('rejects unknown and invalid options', () => {
    expect(() => ThroughputOptions.parse({ concurency: [1] })).toThrow();
    expect(() => ThroughputOptions.parse({ burstiness: 0 })).toThrow();
    expect(() => LatencyOptions.parse({ repeats: 0 })).toThrow();
  });
  it('load points: sorted unique concurrency levels, or one seeded rate point per rate', () => {
    expect(loadPoints(ThroughputOptions.parse({ concurrency: [4, 1, 4, 2] }), 0).map((p) => p.label)).toEqual(['c1', 'c2', 'c4']);
    expect(loadPoints(ThroughputOptions.parse({ mode: 'rate', rates: [0.5, 2], burstiness: 0.5, maxConcurrency: 8 }), 10)).toEqual([
      { label: 'rate0.5', mode: 'rate', ratePerS: 0.5, burstiness: 0.5, seed: 10, concurrency: 8 },
      { label: 'rate2', mode: 'rate', ratePerS: 2, burstiness: 0.5, seed: 11, concurrency: 8 },
    ]);
  });
});
