import { z } from 'zod';
import type { SampleRecord } from '../../src/core/record.ts';
import { defineSuite, type PerfDriver, type SuiteContext } from '../../src/core/suite.ts';
import { ensurePerfBuiltin } from '../../src/perf/builtin.ts';
import { runLoadPoint } from '../../src/perf/load-runner.ts';
import { isPointRecord, loadPointStats } from '../../src/perf/load-stats.ts';
import { isRequestRecord, requestMeta } from '../../src/perf/record.ts';
import { backendShape, commonNotes, familyImageTokens, serverBesideClient, workloadMaxTokens } from '../../src/perf/suite-support.ts';
import { latencyMetrics, loadPointRow, perfMetricSpecs, tokenMetrics } from '../../src/perf/summary.ts';
import { buildWorkload, WorkloadOptions } from '../../src/perf/workload.ts';

/**
 * Single-stream latency (concurrency 1): per request TTFT, TPOT, per-token ITL and inter-chunk
 * latency, end-to-end latency, and the backend's preprocessing / vision-encode / prefill times where
 * it knows them; repeated runs (`repeats`), warm-up excluded, p50/p90/p95/p99 as numpy computes them.
 */
export const LatencyOptions = WorkloadOptions.extend({
  /** Measured requests per repeat. */
  requests: z.int().positive().default(10),
  /** Repeated runs (gate on the median of ≥ 3: requests in one run share batches and are correlated). */
  repeats: z.int().positive().default(3),
  /** Warm-up requests before the first repeat, not recorded. */
  warmup: z.int().min(0).default(2),
});
export type LatencyOptions = z.infer<typeof LatencyOptions>;

const repeatLabel = (rep: number) => `rep${rep}`;

async function run(driver: PerfDriver, ctx: SuiteContext<LatencyOptions>): Promise<void> {
  const opts = ctx.options;
  const count = ctx.limit ? Math.min(ctx.limit, opts.requests) : opts.requests;
  const items = await buildWorkload(opts, count, { datasetDir: ctx.datasetDir, seed: ctx.seed, maxTokens: ctx.maxTokens });
  const backend = backendShape(driver);
  const imageTokens = familyImageTokens(driver.model.family);
  for (let rep = 0; rep < opts.repeats && !driver.signal.aborted; rep++) {
    const status = await runLoadPoint({
      driver, items, repeat: rep, imageTokens, backend,
      point: { label: repeatLabel(rep), mode: 'latency', concurrency: 1 },
      warmup: rep === 0 ? opts.warmup : 0,
    });
    ctx.log(`latency: repeat ${rep + 1}/${opts.repeats} ${status}`);
  }
}

function aggregate(records: SampleRecord[], ctx: SuiteContext<LatencyOptions>) {
  const opts = ctx.options;
  const reqs = records.filter(isRequestRecord);
  const pooled = loadPointStats(records);
  // Numeric order: a plain sort puts rep10 before rep2.
  const byRepeat = [...new Set(reqs.map((r) => requestMeta(r).load))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((label) =>
    loadPointRow(loadPointStats(records.filter((r) => (isRequestRecord(r) ? requestMeta(r).load : (r.meta as { load?: string }).load) === label))));
  const notes = commonNotes(pooled, records, opts.fixedOutput, workloadMaxTokens(opts, ctx.maxTokens));
  notes.push('single stream (concurrency 1): TTFT includes image preprocessing, vision encoding and prefill; ' +
    'tpot = (e2el − ttft)/(n_out − 1) as vLLM; itl spreads each chunk gap over its tokens; icl = raw chunk gaps');
  if (pooled.invalidReasons.length > 0) notes.push(`measurement doubtful: ${pooled.invalidReasons.join('; ')}`);
  return {
    n: reqs.length,
    errors: pooled.failed,
    headline: 'ttft_p50',
    metrics: { ...latencyMetrics(pooled), ...tokenMetrics(pooled) },
    tables: {
      repeats: byRepeat,
      errors: pooled.errors,
      server: serverBesideClient(pooled) ?? {},
      client: records.filter(isPointRecord).map((r) => (r.meta as { client?: unknown }).client),
      valid: pooled.invalidReasons.length === 0,
      invalid_reasons: pooled.invalidReasons,
    },
    notes,
  };
}

export const latencySuite = defineSuite<LatencyOptions>({
  kind: 'performance',
  name: 'latency',
  description: 'Single-stream latency: TTFT, TPOT, ITL/ICL, E2E, vision/prefill times, p50–p99 over repeated runs',
  optionsSchema: LatencyOptions,
  run,
  aggregate,
  builtinDataset: ensurePerfBuiltin,
  metrics: perfMetricSpecs(),
  // Per-request ttft_ms/tpot_ms/e2el_ms records are what the percentiles are computed from.
  pairing: (['ttft', 'tpot', 'e2el'] as const).flatMap((key) => ([['mean', 'mean'], ['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const).map(([stat, statistic]) => ({
    metric: `${key}_${stat}`, test: 'distribution' as const, scores: [`${key}_ms`], where: { meta: 'kind', equals: 'request' }, statistic,
  }))),
});
