import type { MetricValue, SampleRecord } from '../../src/core/record.ts';
import { defineSuite, type PerfDriver, type SuiteContext } from '../../src/core/suite.ts';
import { throughputKnee } from '../../src/perf/knee.ts';
import { ensurePerfBuiltin } from '../../src/perf/builtin.ts';
import { runLoadPoint } from '../../src/perf/load-runner.ts';
import { isPointRecord, loadPointStats, type LoadPointStats } from '../../src/perf/load-stats.ts';
import { isRequestRecord, requestMeta, type LoadPoint } from '../../src/perf/record.ts';
import { backendShape, commonNotes, familyImageTokens, workloadMaxTokens } from '../../src/perf/suite-support.ts';
import { latencyMetrics, loadPointRow, perfMetricSpecs, throughputMetrics, tokenMetrics } from '../../src/perf/summary.ts';
import { buildWorkload } from '../../src/perf/workload.ts';
import { ThroughputOptions } from './options.ts';

/**
 * Throughput under load, as vLLM benchmark_serving / AIPerf measure it: a closed-loop concurrency
 * sweep, or open-loop Poisson/gamma arrivals at given rates. Per load point: request, output and total
 * token throughput, goodput under SLOs, achieved concurrency, latency percentiles, errors by class,
 * and whether the client itself was the bottleneck (then the point is marked invalid, with the reason).
 */

export function loadPoints(opts: ThroughputOptions, seed: number): LoadPoint[] {
  if (opts.mode === 'rate') {
    // Unique and ascending, like the concurrency sweep: a repeated rate would reuse request ids, and the
    // knee reads the points in sweep order.
    return [...new Set(opts.rates)].sort((a, b) => a - b).map((r, i) => ({
      label: `rate${r}`, mode: 'rate', ratePerS: r, burstiness: opts.burstiness, seed: seed + i,
      ...(opts.maxConcurrency ? { concurrency: opts.maxConcurrency } : {}),
    }));
  }
  return [...new Set(opts.concurrency)].sort((a, b) => a - b).map((c) => ({ label: `c${c}`, mode: 'concurrency', concurrency: c }));
}

const requestsFor = (opts: ThroughputOptions, p: LoadPoint) =>
  opts.requests ?? (p.mode === 'rate' ? opts.minRequests : Math.max(opts.minRequests, opts.requestsPerSlot * (p.concurrency ?? 1)));

async function run(driver: PerfDriver, ctx: SuiteContext<ThroughputOptions>): Promise<void> {
  const opts = ctx.options;
  const points = loadPoints(opts, ctx.seed);
  const most = Math.max(...points.map((p) => requestsFor(opts, p)));
  const items = await buildWorkload(opts, ctx.limit ? Math.min(ctx.limit, most) : most, { datasetDir: ctx.datasetDir, seed: ctx.seed, maxTokens: ctx.maxTokens });
  const backend = { ...backendShape(driver), cpuShared: opts.cpuShared };
  const imageTokens = familyImageTokens(driver.model.family);
  for (const point of points) {
    if (driver.signal.aborted) break;
    const n = requestsFor(opts, point);
    const status = await runLoadPoint({
      driver, point, backend, imageTokens,
      items: Array.from({ length: ctx.limit ? Math.min(ctx.limit, n) : n }, (_, i) => items[i % items.length]!),
      warmup: opts.warmup ?? (point.concurrency ?? 1),
    });
    ctx.log(`throughput: ${point.label} ${status}`);
  }
}

const loadOf = (r: SampleRecord): string | undefined =>
  isRequestRecord(r) ? requestMeta(r).load : isPointRecord(r) ? (r.meta as { load: string }).load : undefined;

function pointStats(records: SampleRecord[], opts: ThroughputOptions, seed: number): LoadPointStats[] {
  return loadPoints(opts, seed)
    .map((p) => records.filter((r) => loadOf(r) === p.label))
    .filter((rs) => rs.some(isRequestRecord))
    .map((rs) => loadPointStats(rs, opts.slo, opts.saturation));
}

function aggregate(records: SampleRecord[], ctx: SuiteContext<ThroughputOptions>) {
  const opts = ctx.options;
  const stats = pointStats(records, opts, ctx.seed);
  const metrics: Record<string, MetricValue> = {};
  for (const s of stats) Object.assign(metrics, throughputMetrics(s, `${s.load}.`), latencyMetrics(s, `${s.load}.`));
  const valid = stats.filter((s) => s.invalidReasons.length === 0);
  const best = (key: 'outputTokenThroughput' | 'requestThroughput') =>
    valid.reduce<LoadPointStats | null>((b, s) => (b === null || s[key] > b[key] ? s : b), null);
  const bestOut = best('outputTokenThroughput');
  const bestReq = best('requestThroughput');
  metrics.peak_output_throughput = { value: bestOut?.outputTokenThroughput ?? null, n: bestOut?.completed ?? 0, better: 'higher', unit: 'tok/s' };
  metrics.peak_request_throughput = { value: bestReq?.requestThroughput ?? null, n: bestReq?.completed ?? 0, better: 'higher', unit: 'req/s' };
  if (bestOut) Object.assign(metrics, tokenMetrics(bestOut));
  const levels = valid.map((s) => ({ level: s.mode === 'rate' ? s.ratePerS! : s.targetConcurrency!, throughput: s.outputTokenThroughput }));
  const knee = throughputKnee(levels, opts.growthThreshold);
  metrics.throughput_knee = { value: knee, n: valid.length, unit: opts.mode === 'rate' ? 'req/s offered' : 'concurrency' };

  const reqs = records.filter(isRequestRecord);
  const all = loadPointStats(records.filter((r) => isRequestRecord(r)), opts.slo, opts.saturation);
  const notes = commonNotes(all, records, opts.fixedOutput, workloadMaxTokens(opts, ctx.maxTokens));
  for (const s of stats) if (s.invalidReasons.length > 0) notes.push(`${s.load} INVALID: ${s.invalidReasons.join('; ')}`);
  const local = stats.find((s) => s.parallelSequences === 1);
  if (local) {
    const q = stats.map((s) => `${s.load} ${s.latencyMs.backend_queue ? s.latencyMs.backend_queue.p50.toFixed(1) : '-'} ms`).join(', ');
    notes.push(`backend '${local.backend}' decodes one sequence at a time (capabilities.parallelSequences = 1): concurrency N means up to N − 1 ` +
      `requests queue inside the runtime. ttft/e2el are the runtime's own (from the start of generation); the wait in its queue is ` +
      `backend_queue (p50: ${q}) and e2el_client includes it. Throughput cannot grow with concurrency here.`);
  }
  notes.push(knee === null
    ? 'throughput still grows at the last load point (or too few valid points to tell)'
    : `throughput stops growing after ${opts.mode === 'rate' ? `${knee} req/s offered` : `concurrency ${knee}`} (next step < +${Math.round(opts.growthThreshold * 100)}%)`);
  notes.push('metrics are prefixed by load point (c4.… = concurrency 4, rate2.… = 2 req/s); tpot as vLLM, itl per token, icl per chunk');

  return {
    n: reqs.length,
    errors: reqs.filter((r) => !requestMeta(r).success).length,
    headline: 'peak_output_throughput',
    metrics,
    tables: {
      loadPoints: stats.map(loadPointRow),
      slo: opts.slo,
      client: stats.map((s) => ({ load: s.load, ...s.client })),
    },
    notes,
  };
}

export const throughputSuite = defineSuite<ThroughputOptions>({
  kind: 'performance',
  name: 'throughput',
  description: 'Concurrency sweep or Poisson/gamma request-rate load: req/s, tok/s, goodput, achieved concurrency, client saturation',
  optionsSchema: ThroughputOptions,
  run,
  aggregate,
  builtinDataset: ensurePerfBuiltin,
  metrics: {
    ...perfMetricSpecs(),
    peak_output_throughput: { better: 'higher', unit: 'tok/s' },
    peak_request_throughput: { better: 'higher', unit: 'req/s' },
  },
  // Peak tok/s has no per-request value: its per-request counterpart is the time per output token
  // (lower TPOT = more tok/s), the request rate's is the end-to-end latency; compared as distributions.
  pairing: [
    { metric: 'peak_output_throughput', test: 'distribution', scores: ['tpot_ms'], where: { meta: 'kind', equals: 'request' }, statistic: 'mean', better: 'lower' },
    { metric: 'peak_request_throughput', test: 'distribution', scores: ['e2el_ms'], where: { meta: 'kind', equals: 'request' }, statistic: 'mean', better: 'lower' },
    { metric: 'user_tok_s_p50', test: 'distribution', scores: ['tpot_ms'], where: { meta: 'kind', equals: 'request' }, statistic: 0.5, better: 'lower' },
  ],
});
