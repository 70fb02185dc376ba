import { describe, expect, it } from 'vitest';
import { requestMetrics } from '../../src/perf/request-metrics.ts';

// Golden per-request data, worked out by hand from vLLM's `calculate_metrics` definitions.
describe('requestMetrics', () => {
  it('streams: ttft, e2el at the last token chunk, vLLM tpot, per-token itl vs chunk icl', () => {
    const m = requestMetrics(
      { startedAt: 0, firstTokenMs: 50, chunkMs: [50, 60, 70, 100], chunkTokens: [1, 1, 1, 3], endMs: 105, queueMs: 2, prefillMs: 30 },
      { promptTokens: 600, imageTokens: 576, completionTokens: 6, source: 'backend' },
    );
    expect(m.ttftMs).toBe(50);
    expect(m.e2elMs).toBe(100);
    expect(m.closeMs).toBe(105);
    expect(m.tpotMs).toBe(10); // (100 − 50) / (6 − 1)
    expect(m.iclMs).toEqual([10, 10, 30]);
    expect(m.itlMs).toEqual([10, 10, 10, 10, 10]); // the 30 ms gap carried 3 tokens
    expect(m.nEvents).toBe(4);
    expect(m.tokensPerEventMax).toBe(3);
    expect(m.chunkTokensMatchOutput).toBe(true);
    expect([m.nIn, m.nInImage, m.queueMs, m.prefillMs, m.visionEncodeMs]).toEqual([600, 576, 2, 30, null]);
  });
  it('a multi-token first chunk gives no itl values of its own', () => {
    const m = requestMetrics({ startedAt: 0, firstTokenMs: 40, chunkMs: [40, 80, 120], chunkTokens: [4, 4, 4], endMs: 120 },
      { promptTokens: 10, completionTokens: 12, source: 'backend' });
    expect(m.itlMs).toEqual(Array(8).fill(10));
    expect(m.iclMs).toEqual([40, 40]);
    expect(m.tpotMs).toBeCloseTo(80 / 11, 12);
  });
  it('non-streaming: no ttft, no gaps, e2el is the whole response', () => {
    const m = requestMetrics({ startedAt: 0, chunkMs: [200], chunkTokens: [6], endMs: 200 }, { promptTokens: 5, completionTokens: 6, source: 'backend' });
    expect(m.ttftMs).toBeNull();
    expect(m.tpotMs).toBeNull();
    expect(m.e2elMs).toBe(200);
    expect(m.itlMs).toEqual([]);
    expect(m.iclMs).toEqual([]);
  });
  it('one output token: tpot undefined (null), not 0 or infinity', () => {
    const m = requestMetrics({ startedAt: 0, firstTokenMs: 30, chunkMs: [30], chunkTokens: [1], endMs: 31 }, { promptTokens: 5, completionTokens: 1, source: 'tokenizer' });
    expect(m.tpotMs).toBeNull();
    expect(m.e2elMs).toBe(30);
    expect(m.outputTokensSource).toBe('tokenizer');
  });
  it('flags chunk counts that do not add up to the output count', () => {
    const m = requestMetrics({ startedAt: 0, firstTokenMs: 30, chunkMs: [30, 40], chunkTokens: [1, 1], endMs: 40 }, { promptTokens: 5, completionTokens: 5, source: 'backend' });
    expect(m.chunkTokensMatchOutput).toBe(false);
  });
});
