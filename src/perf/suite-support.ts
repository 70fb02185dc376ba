import type { SampleRecord } from '../core/record.ts';
import type { PerfDriver } from '../core/suite.ts';
import { getFamily } from '../families/index.ts';
import type { LoadPointStats } from './load-stats.ts';
import { isRequestRecord, requestMeta } from './record.ts';

/** Helpers both performance suites share: what the backend is, and the notes every summary carries. */

export interface BackendShape {
  type: string;
  /** capabilities.parallelSequences when the driver exposes it; else 1 for local runtimes, null for HTTP. */
  parallelSequences: number | null;
}


export function backendShape(driver: PerfDriver): BackendShape {
  const type = String(driver.model.info.backend);
  // Remote servers batch on their side; their parallelism is unknown to the client.
  return { type, parallelSequences: type === 'http' ? null : driver.capabilities.parallelSequences };
}

/** The family's image-token formula (LLaVA-1.5: 576 whatever the size; 1.6 AnyRes: size-dependent). */
export function familyImageTokens(family: string): ((w: number, h: number) => number | null) | undefined {
  try {
    const f = getFamily(family);
    return (w, h) => f.imageTokens(w, h);
  } catch {
    return undefined;
  }
}

export function commonNotes(stats: LoadPointStats, records: readonly SampleRecord[], fixedOutput: boolean, maxTokens: number | undefined): string[] {
  const notes: string[] = [];
  const sources = Object.entries(stats.outputTokensSource).map(([k, v]) => `${k}: ${v}`).join(', ');
  if (sources) notes.push(`output token counts from ${sources} (server usage preferred over tokenizer counts)`);
  if (fixedOutput && maxTokens !== undefined) {
    const short = records.filter(isRequestRecord).map(requestMeta).filter((m) => m.success && (m.n_out ?? 0) < maxTokens).length;
    if (short > 0) notes.push(`fixed-output mode: ${short} request(s) stopped before ${maxTokens} tokens (the backend did not honour ignoreEos); actual counts are recorded per request`);
  }
  const mismatched = records.filter(isRequestRecord).map(requestMeta).filter((m) => m.chunk_tokens_match_output === false).length;
  if (mismatched > 0) notes.push(`${mismatched} request(s): per-chunk token counts do not add up to the output count; per-token ITL spreads the chunk counts as reported`);
  if (Object.keys(stats.server).length > 0) notes.push('server-reported metrics are listed beside the client ones (tables.server)');
  return notes;
}

export const workloadMaxTokens = (opts: { maxTokens?: number }, ctxMax: number | undefined): number => opts.maxTokens ?? ctxMax ?? 64;

/**
 * Server-reported metrics next to the client's equivalents (llama-server `timings`: prompt_ms ≈ the
 * server's share of TTFT, predicted_per_token_ms ≈ its TPOT). The gap is network + queueing + client.
 */
export function serverBesideClient(stats: LoadPointStats): Record<string, number | null> | undefined {
  if (Object.keys(stats.server).length === 0) return undefined;
  const sv = (k: string) => stats.server[k] ?? null;
  return {
    client_ttft_ms_mean: stats.latencyMs.ttft?.mean ?? null,
    server_prompt_ms_mean: sv('prompt_ms'),
    client_tpot_ms_mean: stats.latencyMs.tpot?.mean ?? null,
    server_predicted_per_token_ms_mean: sv('predicted_per_token_ms'),
    server_prompt_per_second_mean: sv('prompt_per_second'),
    server_predicted_per_second_mean: sv('predicted_per_second'),
    ...Object.fromEntries(Object.entries(stats.server).map(([k, v]) => [`server_${k}_mean`, v])),
  };
}
