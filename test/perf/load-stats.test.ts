import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/core/record.ts';
import type { VlmResult } from '../../src/core/response.ts';
import { throughputKnee } from '../../src/perf/knee.ts';
import { loadPointStats } from '../../src/perf/load-stats.ts';
import { perfRecord, type LoadPoint } from '../../src/perf/record.ts';

const point: LoadPoint = { label: 'c2', mode: 'concurrency', concurrency: 2 };

function rec(i: number, segment: string, tSendMs: number, result: VlmResult): SampleRecord {
  const r = perfRecord({ sampleId: `c2/r${i}`, repeat: 0, point, segment, tSendMs, text: 'q', imageNames: ['a.jpg'], imageBytes: 1000, imageSizes: ['336x336'], imageTokensFamily: 576 }, result);
  return { ...r, key: String(i), model: 'm', suite: 'throughput', finishedAt: '' };
}
const ok = (chunkMs: number[], chunkTokens: number[], queueMs: number, extra: Partial<Extract<VlmResult, { ok: true }>> = {}): VlmResult => ({
  ok: true, text: 'x', finishReason: 'length',
  usage: { promptTokens: 100, completionTokens: chunkTokens.reduce((a, b) => a + b, 0), source: 'backend' },
  timings: { startedAt: 0, firstTokenMs: chunkMs[0], chunkMs, chunkTokens, endMs: chunkMs[chunkMs.length - 1]!, queueMs },
  ...extra,
});

// Golden data worked out by hand (vLLM `calculate_metrics` definitions):
//   r0 segment A: send 0, queue 0, token chunks at 10/20/30 → interval [0, 30]
//   r1 segment A: send 5, queue 1, chunks at 20/40 (1 + 2 tokens) → interval [6, 46]
//   r2 segment A: send 10, failed with E_TIMEOUT
//   r3 segment B (a resumed run, own clock): send 0, chunks at 10/20 → interval [0, 20]
//   D = (46 − 0) + (20 − 0) = 66 ms; completed 3; output tokens 3 + 3 + 2 = 8; input 300.
const records = [
  rec(0, 'A', 0, ok([10, 20, 30], [1, 1, 1], 0, { serverMetrics: { predicted_per_second: 100 } })),
  rec(1, 'A', 5, ok([20, 40], [1, 2], 1, { serverMetrics: { predicted_per_second: 50 } })),
  rec(2, 'A', 10, { ok: false, error: { code: 'E_TIMEOUT', message: 'slow', retryable: true }, attempts: 3 }),
  rec(3, 'B', 0, ok([10, 20], [1, 1], 0)),
];

describe('loadPointStats on golden per-request data', () => {
  const s = loadPointStats(records, { ttftMs: 15 });
  it('measurement window and throughputs', () => {
    expect(s.durationS).toBeCloseTo(0.066, 12);
    expect(s.completed).toBe(3);
    expect(s.failed).toBe(1);
    expect(s.errors).toEqual({ E_TIMEOUT: 1 });
    expect(s.errorRate).toBe(0.25);
    expect(s.requestThroughput).toBeCloseTo(3 / 0.066, 9);
    expect(s.outputTokenThroughput).toBeCloseTo(8 / 0.066, 9);
    expect(s.inputTokenThroughput).toBeCloseTo(300 / 0.066, 9);
    expect(s.totalTokenThroughput).toBeCloseTo(308 / 0.066, 9);
    expect(s.achievedConcurrency).toBeCloseTo((30 + 40 + 20) / 66, 12);
    expect(s.goodput).toBeCloseTo(2 / 0.066, 9); // ttft 10, 20, 10 against 15 ms
  });
  it('latency distributions pool successes only', () => {
    expect(s.latencyMs.ttft).toMatchObject({ n: 3, p50: 10, max: 20 });
    expect(s.latencyMs.e2el).toMatchObject({ n: 3, p50: 30, min: 20, max: 40 });
    expect(s.latencyMs.tpot).toMatchObject({ n: 3, p50: 10 }); // (30−10)/2, (40−20)/2, (20−10)/1
    expect(s.latencyMs.icl).toMatchObject({ n: 4, max: 20 }); // 10, 10, 20, 10
    expect(s.latencyMs.itl).toMatchObject({ n: 5, min: 10, max: 10 }); // the 20 ms gap carried 2 tokens
    expect(s.latencyMs.queue_wait).toMatchObject({ n: 3, max: 1 });
    expect(s.latencyMs.prefill).toBeNull();
    expect(s.tokens.inImageFamily).toMatchObject({ n: 3, mean: 576 });
    expect(s.outputTokensSource).toEqual({ backend: 3 });
    expect(s.server).toEqual({ predicted_per_second: 75 });
  });
  it('records carry the per-request fields', () => {
    const m = records[1]!.meta!;
    expect(m).toMatchObject({ kind: 'request', load: 'c2', t_send_ms: 5, queue_wait_ms: 1, ttft_ms: 20, e2el_ms: 40, n_events: 2,
      tokens_per_event_max: 2, n_in: 100, n_out: 3, output_tokens_source: 'backend', success: true, image_count: 1, image_bytes: 1000 });
    expect(records[2]!.meta).toMatchObject({ success: false, error: 'E_TIMEOUT', attempts: 3, ttft_ms: null });
    expect(records[0]!.scores).toEqual({ ttft_ms: 10, tpot_ms: 10, e2el_ms: 30 });
  });
  it('with no successes every statistic is absent, not zero', () => {
    const z = loadPointStats([records[2]!]);
    expect(z.latencyMs.ttft).toBeNull();
    expect(z.invalidReasons).toContain('no request succeeded');
  });
});

describe('a one-sequence backend queueing internally (client view vs backend timings)', () => {
  // Closed loop, concurrency 2, against a runtime that runs one request at a time and times each from
  // its own start (chunks at 10/20). Client sends/receives: r0, r1 at 0 → back at 21, 42; r2 sent at 21
  // → back at 63; r3 sent at 42 → back at 84.
  const sends = [0, 0, 21, 42];
  const dones = [21, 42, 63, 84];
  const q: SampleRecord[] = sends.map((t, i) => {
    const r = rec(i, 'C', t, ok([10, 20], [1, 1], 0));
    return { ...r, meta: { ...r.meta, t_done_ms: dones[i] } };
  });
  const client = { loopDelayP50Ms: 0, loopDelayP99Ms: 1, loopDelayMaxMs: 1, cpuCores: 0.1, cpuUserMs: 1, cpuSystemMs: 1, wallMs: 84, cpus: 2, node: 'v20' };
  q.push({ key: 'p', model: 'm', suite: 's', finishedAt: '', sampleId: 'c2/point', repeat: 0, scores: {},
    meta: { kind: 'load-point', load: 'c2', mode: 'concurrency', segment: 'C', point, requests: 4, warmup_requests: 0, wall_ms: 84, client, backend: 'llama-cpp', parallel_sequences: 1, cpu_shared: false } });
  const s = loadPointStats(q);
  it('reports the wait inside the runtime and the client-observed latency', () => {
    expect(s.latencyMs.backend_queue).toMatchObject({ n: 4, min: 1, max: 22 }); // 21−20, 42−20, 42−20, 42−20
    expect(s.latencyMs.e2el_client).toMatchObject({ min: 21, max: 42 });
    expect(s.latencyMs.ttft).toMatchObject({ min: 10, max: 10 }); // the runtime's own view
    expect(s.durationS).toBeCloseTo(0.084, 12); // the window ends when the client got the last result
    expect(s.achievedConcurrency).toBeCloseTo(80 / 84, 12); // the runtime worked on ~1 at a time
    expect([s.parallelSequences, s.backend]).toEqual([1, 'llama-cpp']);
  });
  it('does not blame the client: it kept 2 requests outstanding while its queue was full', () => {
    // Window [0, 42] (last send): r0 21 + r1 42 + r2 21 + r3 0 = 84 busy ms over 42 ms.
    expect(s.steadyConcurrency).toBeCloseTo(2, 12);
    expect(s.targetConcurrency).toBe(2);
    expect(s.invalidReasons).toEqual([]);
  });
});

describe('throughputKnee', () => {
  it('is the last level after which throughput grows less than the threshold', () => {
    const lv = (xs: number[]) => xs.map((t, i) => ({ level: 2 ** i, throughput: t }));
    expect(throughputKnee(lv([10, 19, 30, 32, 33]))).toBe(4);
    expect(throughputKnee(lv([10, 10.5]))).toBe(1);
    expect(throughputKnee(lv([10, 20, 40]))).toBeNull();
    expect(throughputKnee(lv([10]))).toBeNull();
    expect(throughputKnee(lv([10, 10.5, 30]), 0.01)).toBeNull();
  });
});
