import type { SampleRecord } from '../core/record.ts';
import type { ClientStats } from './client-monitor.ts';
import { goodput, type Slo } from './goodput.ts';
import { percentile, summarize, type Distribution } from './percentile.ts';
import { isRequestRecord, requestMeta, type LoadMode, type LoadPoint } from './record.ts';
import { requestMetrics } from './request-metrics.ts';
import { DEFAULT_SATURATION, saturationReasons, type SaturationThresholds } from './saturation.ts';

/**
 * Aggregate statistics of one load point from its journaled records (vLLM `benchmarks/benchmark_serving.py` `calculate_metrics`; AIPerf). Pure:
 * everything is recomputed from samples.jsonl, so a report can be re-aggregated or compared later.
 */

/** The record written once per executed load point, after its requests: client health and setup. */
export interface PointMeta {
  kind: 'load-point';
  load: string;
  mode: LoadMode;
  segment: string;
  point: LoadPoint;
  requests: number;
  warmup_requests: number;
  wall_ms: number;
  client: ClientStats;
  /** Backend type and capabilities.parallelSequences (1 = requests queue inside a local runtime). */
  backend: string;
  parallel_sequences: number | null;
  /** Client CPU also counts another process's work (an in-process server). */
  cpu_shared: boolean;
}

export const isPointRecord = (r: SampleRecord): boolean => (r.meta as { kind?: string } | undefined)?.kind === 'load-point';

/**
 * `e2el_client` is what the suite waited once the scheduler let the request go (t_done − t_send −
 * queue_wait); `backend_queue` is the part of it the backend's own timings do not cover — requests
 * queued inside a one-sequence local runtime, plus transport. The backend's ttft/e2el start when it
 * starts on the request; these two show the wait before that.
 */
export type LatencyKey = 'ttft' | 'tpot' | 'itl' | 'icl' | 'e2el' | 'e2el_client' | 'queue_wait' | 'backend_queue' | 'preprocess' | 'vision_encode' | 'prefill';

export interface LoadPointStats {
  load: string;
  mode: LoadMode;
  targetConcurrency: number | null;
  ratePerS: number | null;
  burstiness: number | null;
  completed: number;
  failed: number;
  /** Failed requests by error code (E_HTTP, E_TIMEOUT, E_RATE_LIMIT, …). */
  errors: Record<string, number>;
  errorRate: number;
  /** Measurement window D = max(last token) − min(send), summed over resumed segments; seconds. */
  durationS: number;
  requestThroughput: number;
  outputTokenThroughput: number;
  inputTokenThroughput: number | null;
  totalTokenThroughput: number | null;
  goodput: number | null;
  /** Σ E2EL / D (SGLang "Concurrency"): requests the backend was working on, on average. */
  achievedConcurrency: number;
  /** Requests the client kept outstanding while its queue was still full (what the saturation rule checks). */
  steadyConcurrency: number | null;
  /** Requests handed out per second (rate mode: check against the target rate). */
  sendRate: number | null;
  /** Rate mode without a cap: p90 of how late requests went out against the schedule, ms. */
  sendLatenessP90Ms: number | null;
  latencyMs: Record<LatencyKey, Distribution | null>;
  tokens: { in: Distribution | null; inImage: Distribution | null; inImageFamily: Distribution | null; out: Distribution | null };
  outputTokensSource: Record<string, number>;
  /** Means of server-reported metrics (llama-server timings …), by name. */
  server: Record<string, number>;
  client: ClientStats | null;
  parallelSequences: number | null;
  backend: string | null;
  invalidReasons: string[];
}

interface Interval { segment: string; start: number; end: number | null }

/**
 * Mean in-flight count over [first start, last start] of each segment — the part of a closed loop
 * where the queue is still full, so the ramp-down tail does not read as a client problem. Segments
 * (resumed executions) have their own clocks and are combined as Σ busy / Σ window.
 */
function steadyConcurrency(intervals: Interval[]): number | null {
  let busy = 0;
  let window = 0;
  for (const seg of new Set(intervals.map((i) => i.segment))) {
    const done = intervals.filter((i): i is Interval & { end: number } => i.segment === seg && i.end !== null);
    if (done.length < 2) continue;
    const t0 = Math.min(...done.map((i) => i.start));
    const t1 = Math.max(...done.map((i) => i.start));
    const span = Math.max(...done.map((i) => i.end)) - t0;
    if (t1 - t0 < 0.1 * span) continue;
    for (const i of done) busy += Math.max(0, Math.min(i.end, t1) - Math.max(i.start, t0));
    window += t1 - t0;
  }
  return window > 0 ? busy / window : null;
}

export function loadPointStats(records: readonly SampleRecord[], slo?: Slo, thresholds: SaturationThresholds = DEFAULT_SATURATION): LoadPointStats {
  const reqs = records.filter(isRequestRecord);
  const points = records.filter(isPointRecord).map((r) => r.meta as unknown as PointMeta);
  const first = reqs[0] ? requestMeta(reqs[0]) : undefined;
  const point = points[0]?.point;
  const lat: Record<LatencyKey, number[]> = { ttft: [], tpot: [], itl: [], icl: [], e2el: [], e2el_client: [], queue_wait: [], backend_queue: [], preprocess: [], vision_encode: [], prefill: [] };
  const tok = { in: [] as number[], inImage: [] as number[], inImageFamily: [] as number[], out: [] as number[] };
  const errors: Record<string, number> = {};
  const sources: Record<string, number> = {};
  const server: Record<string, number[]> = {};
  const intervals: Interval[] = [];
  let completed = 0;
  let inKnown = true;
  const sloInputs = [];

  for (const r of reqs) {
    const m = requestMeta(r);
    const start = m.t_send_ms + (m.queue_wait_ms ?? 0);
    if (m.queue_wait_ms !== null) lat.queue_wait.push(m.queue_wait_ms);
    if (!m.success || !r.timings || !r.usage) {
      errors[m.error ?? 'E_BACKEND'] = (errors[m.error ?? 'E_BACKEND'] ?? 0) + 1;
      intervals.push({ segment: m.segment, start, end: null });
      continue;
    }
    completed++;
    const x = requestMetrics(r.timings, r.usage);
    // The client's view of the end when recorded; else the backend's last token.
    const end = m.t_done_ms ?? start + x.e2elMs;
    intervals.push({ segment: m.segment, start, end });
    if (m.t_done_ms !== null) {
      lat.e2el_client.push(end - start);
      lat.backend_queue.push(Math.max(0, end - start - x.closeMs));
    }
    sloInputs.push({ success: true, ttftMs: x.ttftMs, tpotMs: x.tpotMs, e2elMs: x.e2elMs });
    if (x.ttftMs !== null) lat.ttft.push(x.ttftMs);
    if (x.tpotMs !== null) lat.tpot.push(x.tpotMs);
    lat.itl.push(...x.itlMs);
    lat.icl.push(...x.iclMs);
    lat.e2el.push(x.e2elMs);
    if (x.preprocessMs !== null) lat.preprocess.push(x.preprocessMs);
    if (x.visionEncodeMs !== null) lat.vision_encode.push(x.visionEncodeMs);
    if (x.prefillMs !== null) lat.prefill.push(x.prefillMs);
    tok.out.push(x.nOut);
    if (x.nIn !== null) tok.in.push(x.nIn); else inKnown = false;
    if (x.nInImage !== null) tok.inImage.push(x.nInImage);
    if (m.n_in_image_family !== null) tok.inImageFamily.push(m.n_in_image_family);
    sources[x.outputTokensSource] = (sources[x.outputTokensSource] ?? 0) + 1;
    for (const [k, v] of Object.entries(m.server ?? {})) if (Number.isFinite(v)) (server[k] ??= []).push(v);
  }

  // D per segment (a resumed point restarts its clock), summed.
  let durationMs = 0;
  let sendSpanMs = 0;
  for (const seg of new Set(intervals.map((i) => i.segment))) {
    const iv = intervals.filter((i) => i.segment === seg);
    const ends = iv.flatMap((i) => (i.end === null ? [] : [i.end]));
    if (ends.length === 0) continue;
    const s0 = Math.min(...iv.map((i) => i.start));
    durationMs += Math.max(...ends) - s0;
    sendSpanMs += Math.max(...iv.map((i) => i.start)) - s0;
  }
  const durationS = durationMs / 1000;
  const per = (x: number) => (durationS > 0 ? x / durationS : 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const outSum = sum(tok.out);
  const inSum = inKnown && completed > 0 ? sum(tok.in) : null;
  const achieved = durationMs > 0 ? sum(lat.e2el) / durationMs : 0;
  // Too short a full-queue window (everything sent at once): the client's mean outstanding requests.
  const clientBusy = intervals.reduce((a, i) => a + (i.end === null ? 0 : i.end - i.start), 0);
  const steady = steadyConcurrency(intervals) ?? (completed > 0 && durationMs > 0 ? clientBusy / durationMs : null);
  const targetConcurrency = point?.mode === 'rate' ? null : (point?.concurrency ?? null);
  const client = points.length === 0 ? null : points.map((p) => p.client).reduce((a, b) => (b.loopDelayP99Ms > a.loopDelayP99Ms ? b : a));
  const cpuShared = points.some((p) => p.cpu_shared);
  const failed = reqs.length - completed;

  // Lateness only means something without a cap (with one, waiting for a slot is intended).
  const lateness = point?.mode === 'rate' && !point.concurrency
    ? reqs.map(requestMeta).flatMap((m) => (m.t_scheduled_ms === null ? [] : [m.t_send_ms - m.t_scheduled_ms]))
    : [];
  const sendLatenessP90Ms = lateness.length > 0 ? percentile(lateness, 90) : null;
  const invalidReasons = saturationReasons({ client, targetConcurrency, steadyConcurrency: steady, cpuShared, sendLatenessP90Ms }, thresholds);
  if (completed === 0) invalidReasons.push('no request succeeded');

  return {
    load: point?.label ?? first?.load ?? '?',
    mode: point?.mode ?? first?.mode ?? 'concurrency',
    targetConcurrency,
    ratePerS: point?.ratePerS ?? null,
    burstiness: point?.mode === 'rate' ? (point.burstiness ?? 1) : null,
    completed,
    failed,
    errors,
    errorRate: reqs.length > 0 ? failed / reqs.length : 0,
    durationS,
    requestThroughput: per(completed),
    outputTokenThroughput: per(outSum),
    inputTokenThroughput: inSum === null ? null : per(inSum),
    totalTokenThroughput: inSum === null ? null : per(inSum + outSum),
    goodput: goodput(sloInputs, slo, durationS),
    achievedConcurrency: achieved,
    steadyConcurrency: steady,
    sendLatenessP90Ms,
    sendRate: sendSpanMs > 0 && reqs.length > 1 ? (reqs.length - 1) / (sendSpanMs / 1000) : null,
    latencyMs: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, summarize(v)])) as Record<LatencyKey, Distribution | null>,
    tokens: { in: summarize(tok.in), inImage: summarize(tok.inImage), inImageFamily: summarize(tok.inImageFamily), out: summarize(tok.out) },
    outputTokensSource: sources,
    server: Object.fromEntries(Object.entries(server).map(([k, v]) => [k, sum(v) / v.length])),
    client,
    parallelSequences: points[0]?.parallel_sequences ?? null,
    backend: points[0]?.backend ?? null,
    invalidReasons,
  };
}
