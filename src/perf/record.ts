import type { SampleRecord, ScoreValue } from '../core/record.ts';
import type { VlmResult } from '../core/response.ts';
import { requestMetrics } from './request-metrics.ts';

/**
 * The per-request record of the performance suites: the per-request fields of vLLM's `--save-detailed` results,
 * stored in SampleRecord.meta (snake_case, as in that schema), the three headline latencies in
 * `scores`, and the backend's raw Timings/Usage kept alongside so every metric can be recomputed.
 */

export type LoadMode = 'latency' | 'concurrency' | 'rate';

/** One load point: a concurrency level, a request rate, or a latency repeat. */
export interface LoadPoint {
  /** Label used as the sampleId prefix: 'c4', 'rate2.5', 'r0'. */
  label: string;
  mode: LoadMode;
  /** Closed-loop in-flight target (concurrency / latency modes), or a cap in rate mode. */
  concurrency?: number;
  /** Mean arrival rate, requests per second (rate mode). */
  ratePerS?: number;
  /** Gamma shape of the inter-arrival gaps; 1 = Poisson. */
  burstiness?: number;
  seed?: number;
}

export interface PerfRequestMeta {
  kind: 'request';
  load: string;
  mode: LoadMode;
  /** One execution of a load point (a resumed point has several); times are relative to its start. */
  segment: string;
  /** When the suite handed the request to the scheduler, ms since the segment start. */
  t_send_ms: number;
  /** Rate mode: when the arrival schedule wanted it sent; t_send − t_scheduled is the client's lateness. */
  t_scheduled_ms: number | null;
  /** When the result came back to the suite, ms since the segment start (the client's view of the end). */
  t_done_ms: number | null;
  queue_wait_ms: number | null;
  /** First response event (HTTP; role-only chunks included), ms from the send. */
  ttfb_ms: number | null;
  ttft_ms: number | null;
  tpot_ms: number | null;
  e2el_ms: number | null;
  close_ms: number | null;
  n_events: number;
  tokens_per_event_max: number;
  n_in: number | null;
  n_in_image: number | null;
  /** Image-token count from the model family's formula, when the backend reports none. */
  n_in_image_family: number | null;
  n_out: number | null;
  output_tokens_source: string | null;
  chunk_tokens_match_output: boolean | null;
  finish_reason: string | null;
  success: boolean;
  error: string | null;
  attempts: number;
  image_count: number;
  image_bytes: number;
  image_sizes: string[];
  preprocess_ms: number | null;
  vision_encode_ms: number | null;
  prefill_ms: number | null;
  /** Server-reported metrics (llama-server `timings` …), kept beside the client's. */
  server: Record<string, number> | null;
}

/** What the suite knows about a request besides its result. */
export interface RequestContext {
  sampleId: string;
  repeat: number;
  point: LoadPoint;
  segment: string;
  tSendMs: number;
  tScheduledMs?: number;
  tDoneMs?: number;
  text: string;
  imageNames: string[];
  imageBytes: number;
  imageSizes: string[];
  imageTokensFamily: number | null;
}

export type PerfRecordInput = Omit<SampleRecord, 'key' | 'model' | 'suite' | 'finishedAt'>;

export function perfRecord(ctx: RequestContext, result: VlmResult): PerfRecordInput {
  const base = {
    kind: 'request' as const, load: ctx.point.label, mode: ctx.point.mode, segment: ctx.segment,
    t_send_ms: ctx.tSendMs, t_scheduled_ms: ctx.tScheduledMs ?? null,
    t_done_ms: ctx.tDoneMs ?? null, image_count: ctx.imageNames.length, image_bytes: ctx.imageBytes,
    image_sizes: ctx.imageSizes, n_in_image_family: ctx.imageTokensFamily,
  };
  const input = { text: ctx.text, images: ctx.imageNames };
  if (!result.ok) {
    const meta: PerfRequestMeta = {
      ...base, queue_wait_ms: result.timings?.queueMs ?? null, ttfb_ms: null, ttft_ms: null, tpot_ms: null, e2el_ms: null,
      close_ms: null, n_events: 0, tokens_per_event_max: 0, n_in: null, n_in_image: null, n_out: null,
      output_tokens_source: null, chunk_tokens_match_output: null, finish_reason: null, success: false,
      error: result.error.code, attempts: result.attempts, preprocess_ms: null, vision_encode_ms: null,
      prefill_ms: null, server: null,
    };
    return {
      sampleId: ctx.sampleId, repeat: ctx.repeat, input, scores: { ttft_ms: null, tpot_ms: null, e2el_ms: null },
      meta: { ...meta }, error: result.error, attempts: result.attempts,
      ...(result.timings ? { timings: result.timings } : {}), ...(result.prompt ? { prompt: result.prompt } : {}),
    };
  }
  const m = requestMetrics(result.timings, result.usage);
  const meta: PerfRequestMeta = {
    ...base, queue_wait_ms: m.queueMs, ttfb_ms: result.timings.firstByteMs ?? null, ttft_ms: m.ttftMs, tpot_ms: m.tpotMs, e2el_ms: m.e2elMs,
    close_ms: m.closeMs, n_events: m.nEvents, tokens_per_event_max: m.tokensPerEventMax, n_in: m.nIn,
    n_in_image: m.nInImage, n_out: m.nOut, output_tokens_source: m.outputTokensSource,
    chunk_tokens_match_output: m.chunkTokensMatchOutput, finish_reason: result.finishReason, success: true,
    error: null, attempts: 1, preprocess_ms: m.preprocessMs, vision_encode_ms: m.visionEncodeMs,
    prefill_ms: m.prefillMs, server: result.serverMetrics ?? null,
  };
  const scores: Record<string, ScoreValue> = { ttft_ms: m.ttftMs, tpot_ms: m.tpotMs, e2el_ms: m.e2elMs };
  return {
    sampleId: ctx.sampleId, repeat: ctx.repeat, input, output: result.text, finishReason: result.finishReason,
    usage: result.usage, timings: result.timings, scores, meta: { ...meta },
    ...(result.prompt ? { prompt: result.prompt } : {}),
  };
}

export const isRequestRecord = (r: SampleRecord): boolean => (r.meta as { kind?: string } | undefined)?.kind === 'request';
export const requestMeta = (r: SampleRecord): PerfRequestMeta => r.meta as unknown as PerfRequestMeta;
