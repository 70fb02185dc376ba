import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../../src/core/record.ts';
import { perfRecord } from '../../../src/perf/record.ts';
import { LatencyOptions, latencySuite } from '../../../suites/latency/latency.ts';
import { suiteContext } from '../../perf/helpers/driver.ts';

/** One finished request per repeat label, as runLoadPoint journals it. */
function records(repeats: number): SampleRecord[] {
  return Array.from({ length: repeats }, (_, rep) => {
    const rec = perfRecord({
      sampleId: `rep${rep}/r0`, repeat: rep, point: { label: `rep${rep}`, mode: 'latency', concurrency: 1 }, segment: `s${rep}`,
      tSendMs: 0, tDoneMs: 10, text: 'hi', imageNames: [], imageBytes: 0, imageSizes: [], imageTokensFamily: null,
    }, {
      ok: true, text: 'ab', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2, source: 'backend' },
      timings: { startedAt: 0, firstTokenMs: 4, chunkMs: [4, 8], chunkTokens: [1, 1], endMs: 9 },
    });
    return { ...rec, key: `m:latency:${rec.sampleId}`, model: 'm', suite: 'latency', finishedAt: new Date(0).toISOString() };
  });
}

describe('latency summary', () => {
  it('lists the repeats in run order, also past rep9', () => {
    const summary = latencySuite.aggregate(records(12), suiteContext(LatencyOptions.parse({ repeats: 12 })));
    const rows = summary.tables!.repeats as { load: string }[];
    expect(rows.map((r) => r.load)).toEqual(Array.from({ length: 12 }, (_, i) => `rep${i}`));
  });
});
