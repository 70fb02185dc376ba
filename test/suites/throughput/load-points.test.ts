import { describe, expect, it } from 'vitest';
import { ThroughputOptions } from '../../../suites/throughput/options.ts';
import { loadPoints } from '../../../suites/throughput/throughput.ts';

describe('rate-mode load points', () => {
  it('are unique (a repeated rate would reuse request ids in the journal) and ascending (the knee reads them in order)', () => {
    const points = loadPoints(ThroughputOptions.parse({ mode: 'rate', rates: [4, 1, 2, 4] }), 5);
    expect(points.map((p) => p.label)).toEqual(['rate1', 'rate2', 'rate4']);
    expect(points.map((p) => p.seed)).toEqual([5, 6, 7]);
  });
});
