import type { MetricValue } from '../core/record.ts';
import type { MetricSpec } from '../core/suite.ts';
import type { LatencyKey, LoadPointStats } from './load-stats.ts';
import type { Distribution } from './percentile.ts';

/**
 * LoadPointStats → SuiteSummary metrics (MetricValue with unit and direction) and plain table rows.
 * A metric with no observations is null with n = 0, never 0 (vllm-project/vllm #5895, #6064: failed requests once counted as zero TTFT).
 */

const ms = (value: number | null, n: number): MetricValue => ({ value, n, better: 'lower', unit: 'ms' });

export const LATENCY_KEYS: readonly LatencyKey[] = ['ttft', 'tpot', 'itl', 'icl', 'e2el', 'e2el_client', 'queue_wait', 'backend_queue', 'preprocess', 'vision_encode', 'prefill'];
const STATS = ['mean', 'p50', 'p90', 'p95', 'p99'] as const;

/** `ttft_p50`, `tpot_p99`, … for every latency distribution that has observations. */
export function latencyMetrics(s: LoadPointStats, prefix = ''): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const key of LATENCY_KEYS) {
    const d = s.latencyMs[key];
    if (!d && !['ttft', 'tpot', 'e2el'].includes(key)) continue;
    for (const stat of STATS) out[`${prefix}${key}_${stat}`] = ms(d ? d[stat] : null, d?.n ?? 0);
  }
  return out;
}

export function throughputMetrics(s: LoadPointStats, prefix = ''): Record<string, MetricValue> {
  const n = s.completed;
  const out: Record<string, MetricValue> = {
    [`${prefix}request_throughput`]: { value: s.requestThroughput, n, better: 'higher', unit: 'req/s' },
    [`${prefix}output_throughput`]: { value: s.outputTokenThroughput, n, better: 'higher', unit: 'tok/s' },
    [`${prefix}total_throughput`]: { value: s.totalTokenThroughput, n, better: 'higher', unit: 'tok/s' },
    [`${prefix}achieved_concurrency`]: { value: s.achievedConcurrency, n, unit: 'req' },
    [`${prefix}error_rate`]: { value: s.errorRate, n: s.completed + s.failed, better: 'lower' },
  };
  if (s.goodput !== null) out[`${prefix}goodput`] = { value: s.goodput, n, better: 'higher', unit: 'req/s' };
  return out;
}

export function tokenMetrics(s: LoadPointStats, prefix = ''): Record<string, MetricValue> {
  const tok = (d: Distribution | null): MetricValue => ({ value: d?.mean ?? null, n: d?.n ?? 0, unit: 'tok' });
  const tpot = s.latencyMs.tpot;
  return {
    [`${prefix}input_tokens_mean`]: tok(s.tokens.in),
    [`${prefix}image_tokens_mean`]: tok(s.tokens.inImage ?? s.tokens.inImageFamily),
    [`${prefix}output_tokens_mean`]: tok(s.tokens.out),
    // AIPerf output_token_throughput_per_user = 1 / inter_token_latency (our tpot), at the median.
    [`${prefix}user_tok_s_p50`]: { value: tpot && tpot.p50 > 0 ? 1000 / tpot.p50 : null, n: tpot?.n ?? 0, better: 'higher', unit: 'tok/s' },
  };
}

/** Metric specs the suites declare (units and directions of the keys above, without prefixes). */
export function perfMetricSpecs(): Record<string, MetricSpec> {
  const specs: Record<string, MetricSpec> = {};
  for (const key of LATENCY_KEYS) for (const stat of STATS) specs[`${key}_${stat}`] = { better: 'lower', unit: 'ms' };
  Object.assign(specs, {
    request_throughput: { better: 'higher', unit: 'req/s' }, output_throughput: { better: 'higher', unit: 'tok/s' },
    total_throughput: { better: 'higher', unit: 'tok/s' }, goodput: { better: 'higher', unit: 'req/s' },
    user_tok_s_p50: { better: 'higher', unit: 'tok/s' }, error_rate: { better: 'lower' },
  } satisfies Record<string, MetricSpec>);
  return specs;
}

const round = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? null : Number(x.toFixed(d)));

/** One row per load point for tables and the printed sweep. */
export function loadPointRow(s: LoadPointStats): Record<string, unknown> {
  const l = s.latencyMs;
  return {
    load: s.load, mode: s.mode, target_concurrency: s.targetConcurrency, rate: s.ratePerS, burstiness: s.burstiness,
    completed: s.completed, failed: s.failed, errors: s.errors, duration_s: round(s.durationS, 3),
    request_throughput: round(s.requestThroughput, 3), output_throughput: round(s.outputTokenThroughput),
    total_throughput: round(s.totalTokenThroughput), goodput: round(s.goodput, 3),
    achieved_concurrency: round(s.achievedConcurrency), send_rate: round(s.sendRate, 3), send_lateness_p90_ms: round(s.sendLatenessP90Ms),
    ttft_p50: round(l.ttft?.p50), ttft_p99: round(l.ttft?.p99), tpot_p50: round(l.tpot?.p50), itl_p50: round(l.itl?.p50),
    icl_p50: round(l.icl?.p50), e2el_p50: round(l.e2el?.p50), e2el_p99: round(l.e2el?.p99), queue_wait_p50: round(l.queue_wait?.p50),
    e2el_client_p50: round(l.e2el_client?.p50), backend_queue_p50: round(l.backend_queue?.p50),
    output_tokens_source: s.outputTokensSource, server: s.server,
    client_loop_delay_p99_ms: round(s.client?.loopDelayP99Ms), client_cpu_cores: round(s.client?.cpuCores),
    valid: s.invalidReasons.length === 0, invalid_reasons: s.invalidReasons,
  };
}

/** Plain-text table of load points (bench output, CLI logs). */
export function formatLoadTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = [columns.map(String), ...rows.map((r) => columns.map((c) => {
    const v = r[c];
    return v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
}
