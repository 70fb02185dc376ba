import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../../src/core/backend.ts';
import { percentile } from '../../../src/perf/percentile.ts';
import { isRequestRecord, requestMeta } from '../../../src/perf/record.ts';
import { LatencyOptions, latencySuite } from '../../../suites/latency/latency.ts';
import { startScriptedServer, type Script, type ScriptedServer } from '../../helpers/scripted-server.ts';
import { testClock } from '../../helpers/virtual-clock.ts';
import { httpBackend, makeDriver, suiteContext } from '../../perf/helpers/driver.ts';

/**
 * The latency suite, end to end through the real HTTP backend and scheduler, against a server whose
 * timeline is scripted: first token after 50 ms, then one token every 10 ms. The client's clock
 * (`now()` in src/core/backend.ts) and the server run on one virtual clock in lock-step, so every
 * chunk arrives at exactly its scripted time and the suite's arithmetic (TTFT, TPOT, ITL per token,
 * ICL per chunk, E2EL, percentiles) is checked for equality. How close real measurements come to a
 * real timeline is a speed question: `npm run bench:perf` measures it.
 */
vi.mock('../../../src/core/backend.ts', async (orig) => (await import('../../helpers/virtual-clock.ts')).mockNow(orig));

let server: ScriptedServer | undefined;
let backend: Backend | undefined;
afterEach(async () => {
  await backend?.close?.();
  await server?.close();
  server = undefined;
  backend = undefined;
  testClock.reset();
});

const WARMUP = 1;

async function measure(script: Script) {
  testClock.enabled = true;
  server = await startScriptedServer(script, { clock: testClock });
  backend = await httpBackend(`${server.url}/v1`, 'vllm');
  const { driver, records } = makeDriver(backend, { concurrency: 1 });
  const options = LatencyOptions.parse({ requests: 8, repeats: 2, warmup: WARMUP, sizes: [{ width: 64, height: 48 }], maxTokens: script.tokens });
  const ctx = suiteContext(options);
  await latencySuite.run(driver, ctx);
  const summary = latencySuite.aggregate(records, ctx);
  const p50 = (key: string) => summary.metrics[`${key}_p50`]!.value!;
  // Concurrency 1: the n-th journaled request is the n-th the server saw after the warm-up.
  const reqs = records.filter(isRequestRecord);
  const wire = reqs.map((r, i) => ({ m: requestMeta(r), writes: server!.requests[i + WARMUP]!.writesMs }));
  const wireError = {
    ttft: percentile(wire.map((w) => w.m.ttft_ms! - w.writes[0]!), 50),
    e2el: percentile(wire.map((w) => w.m.e2el_ms! - w.writes[w.writes.length - 1]!), 50),
  };
  return { records, reqs, summary, p50, wireError };
}

const exactly = (got: number, want: number) => expect(got).toBeCloseTo(want, 9);

describe('latency suite against a scripted server on a virtual clock (exact p50s)', () => {
  it('one token per chunk: ttft 50, tpot 10, e2el 50 + 9·10', async () => {
    const { reqs, summary, p50, wireError } = await measure({ firstTokenMs: 50, intervalMs: 10, tokens: 10 });
    exactly(p50('ttft'), 50);
    exactly(p50('tpot'), 10);
    exactly(p50('e2el'), 140);
    exactly(p50('itl'), 10);
    exactly(p50('icl'), 10);
    // Stamps agree with what the server wrote and when.
    expect(wireError).toEqual({ ttft: 0, e2el: 0 });
    // 2 repeats × 8 requests journaled; the warm-up request went to the server but not to the journal.
    expect(reqs.map((r) => r.sampleId)).toEqual([0, 1].flatMap((rep) => Array.from({ length: 8 }, (_, i) => `rep${rep}/r${i}`)));
    expect(reqs.map((r) => r.repeat)).toEqual([...Array(8).fill(0), ...Array(8).fill(1)]);
    expect(server!.requests).toHaveLength(17);
    expect(summary.n).toBe(16);
    expect(summary.metrics.output_tokens_mean!.value).toBe(10);
    expect(requestMeta(reqs[0]!).output_tokens_source).toBe('backend');
    expect((summary.tables!.repeats as unknown[]).length).toBe(2);
    expect(summary.headline).toBe('ttft_p50');
    // LLaVA-1.5 costs 576 image tokens whatever the size (the family's formula, recorded per request).
    expect(requestMeta(reqs[0]!).n_in_image_family).toBe(576);
  });

  it('4 tokens per chunk after a role-only and an empty first chunk: ttft from the first token, itl per token', async () => {
    // 24 tokens in 6 chunks, one chunk every 40 ms (= one token every 10 ms, released 4 at a time).
    const { reqs, p50, wireError } = await measure({ firstTokenMs: 50, intervalMs: 40, tokens: 24, tokensPerChunk: 4, roleChunk: true, emptyFirstChunk: true, continuousUsage: true });
    const e2el = 50 + 5 * 40;
    exactly(p50('ttft'), 50);
    exactly(p50('e2el'), e2el);
    exactly(p50('tpot'), (e2el - 50) / 23); // vLLM TPOT: (e2el − ttft)/(n − 1)
    exactly(p50('itl'), 10); // per token: 40 ms / 4
    exactly(p50('icl'), 40); // per chunk
    expect(wireError.ttft).toBe(0);
    const m = requestMeta(reqs[0]!);
    expect(m.tokens_per_event_max).toBe(4);
    expect(m.n_events).toBe(6);
    expect(m.chunk_tokens_match_output).toBe(true);
  });

  it('an empty first content chunk with 1 token per chunk does not start the TTFT clock', async () => {
    const { p50, wireError, summary } = await measure({ firstTokenMs: 50, intervalMs: 10, tokens: 12, emptyFirstChunk: true, serverTimings: true });
    // llama-server style timings from the last chunk are kept beside the client's figures.
    expect(summary.tables!.server).toMatchObject({ server_prompt_ms_mean: 50, server_predicted_per_second_mean: expect.any(Number) });
    expect((summary.tables!.server as Record<string, number>).client_ttft_ms_mean).toBe(50);
    exactly(p50('ttft'), 50);
    exactly(p50('tpot'), 10);
    exactly(p50('e2el'), 160);
    expect(wireError.ttft).toBe(0);
  });
});
