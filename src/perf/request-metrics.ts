import type { CountSource, Timings, Usage } from '../core/response.ts';

/**
 * Per-request latency metrics from a backend's Timings and Usage, with the definitions of
 * vLLM `benchmarks/benchmark_serving.py` `calculate_metrics` and NVIDIA AIPerf (names as vLLM prints them):
 *
 *   ttft  = first event carrying a generated token − start   (Timings.firstTokenMs; empty/role-only
 *           chunks never count — the backend only timestamps chunks with text)
 *   e2el  = last token event − start                          (a trailing usage chunk or [DONE] does not
 *           advance it; `closeMs` keeps the stream end)
 *   tpot  = (e2el − ttft) / (nOut − 1), only when nOut > 1     (vLLM TPOT = AIPerf inter_token_latency)
 *   icl   = gaps between consecutive token events              (vLLM "ITL", AIPerf inter_chunk_latency)
 *   itl   = per-token gaps: a later event's gap g carrying m tokens contributes m values g/m, so
 *           servers that send several tokens per chunk are not mistaken for slow ones (vLLM `benchmark_serving.py` counts tokens per chunk the same way).
 *
 * Without streaming (no firstTokenMs) there is no TTFT and no gaps; e2el is the full response.
 * Tokens that arrive inside the first event have no measurable gap of their own, so they contribute
 * no itl value: mean(itl) is then the token-normalised decode time (e2el − ttft) / (Σ later tokens).
 */
export interface RequestMetrics {
  ttftMs: number | null;
  e2elMs: number;
  /** Stream end (incl. usage chunk / [DONE]); equals e2el for non-streaming responses. */
  closeMs: number;
  tpotMs: number | null;
  itlMs: number[];
  iclMs: number[];
  nOut: number;
  outputTokensSource: CountSource;
  nIn: number | null;
  nInImage: number | null;
  nEvents: number;
  tokensPerEventMax: number;
  /** Σ chunk tokens agrees with the output count; if not, itl spreading used the per-chunk figures as given. */
  chunkTokensMatchOutput: boolean;
  queueMs: number | null;
  preprocessMs: number | null;
  visionEncodeMs: number | null;
  prefillMs: number | null;
}

export function requestMetrics(timings: Timings, usage: Usage): RequestMetrics {
  // A response without firstTokenMs was not streamed (one body at the end): no TTFT, no gaps.
  const streamed = timings.firstTokenMs !== undefined && timings.chunkMs.length > 0;
  const chunks = streamed ? timings.chunkMs : [];
  const ttftMs = streamed ? timings.firstTokenMs! : null;
  const e2elMs = streamed ? chunks[chunks.length - 1]! : (timings.chunkMs[timings.chunkMs.length - 1] ?? timings.endMs);
  const nOut = usage.completionTokens;
  const tpotMs = ttftMs !== null && nOut > 1 ? (e2elMs - ttftMs) / (nOut - 1) : null;

  const iclMs: number[] = [];
  const itlMs: number[] = [];
  for (let k = 1; k < chunks.length; k++) {
    const gap = chunks[k]! - chunks[k - 1]!;
    iclMs.push(gap);
    const m = timings.chunkTokens[k] ?? 1;
    for (let j = 0; j < m; j++) itlMs.push(gap / m);
  }
  const chunkTokenSum = timings.chunkTokens.reduce((s, t) => s + t, 0);

  return {
    ttftMs,
    e2elMs,
    closeMs: Math.max(timings.endMs, e2elMs),
    tpotMs,
    itlMs,
    iclMs,
    nOut,
    outputTokensSource: usage.source,
    nIn: Number.isFinite(usage.promptTokens) ? usage.promptTokens : null,
    nInImage: usage.imageTokens ?? null,
    nEvents: chunks.length,
    tokensPerEventMax: timings.chunkTokens.reduce((m, t) => Math.max(m, t), 0),
    chunkTokensMatchOutput: !streamed || chunkTokenSum === nOut,
    queueMs: timings.queueMs ?? null,
    preprocessMs: timings.preprocessMs ?? null,
    visionEncodeMs: timings.visionEncodeMs ?? null,
    prefillMs: timings.prefillMs ?? null,
  };
}
