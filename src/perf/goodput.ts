/**
 * Goodput under service-level objectives, as vLLM's `--goodput ttft:… tpot:… e2el:…`
 * (vLLM `benchmark_serving.py` `--goodput`): a request counts when it succeeded and meets every SLO given.
 * vLLM's conventions are kept: TPOT counts as 0 when a request produced ≤ 1 token, and without
 * streaming (no TTFT) the whole latency stands in for TTFT, as SGLang does with --disable-stream.
 */
export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
  e2elMs?: number;
}

export interface SloInput {
  success: boolean;
  ttftMs: number | null;
  tpotMs: number | null;
  e2elMs: number | null;
}

export const hasSlo = (slo: Slo | undefined): slo is Slo =>
  !!slo && (slo.ttftMs !== undefined || slo.tpotMs !== undefined || slo.e2elMs !== undefined);

export function meetsSlo(r: SloInput, slo: Slo): boolean {
  if (!r.success || r.e2elMs === null) return false;
  const ttft = r.ttftMs ?? r.e2elMs;
  const tpot = r.tpotMs ?? 0;
  return (slo.ttftMs === undefined || ttft <= slo.ttftMs) &&
    (slo.tpotMs === undefined || tpot <= slo.tpotMs) &&
    (slo.e2elMs === undefined || r.e2elMs <= slo.e2elMs);
}

/** Requests per second meeting the SLOs over the measurement window; null when no SLO is set. */
export function goodput(requests: readonly SloInput[], slo: Slo | undefined, durationS: number): number | null {
  if (!hasSlo(slo) || !(durationS > 0)) return null;
  return requests.filter((r) => meetsSlo(r, slo)).length / durationS;
}
