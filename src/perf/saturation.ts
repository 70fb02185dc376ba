import type { ClientStats } from './client-monitor.ts';

/**
 * When a load point's numbers describe the client rather than the server (kubernetes-sigs/inference-perf #648):
 * flag it invalid with the reason instead of publishing a throughput ceiling that is really ours.
 */
export interface SaturationThresholds {
  /** Event-loop delay p99 above this (ms) means chunk timestamps are late. ~5 ms. */
  loopDelayP99Ms: number;
  /** Achieved / target concurrency below this means requests were not kept in flight. */
  minConcurrencyRatio: number;
  /** Process CPU above this many cores: the single JS thread is (nearly) pegged. */
  maxCpuCores: number;
  /** Open loop without a cap: p90 of (actual − scheduled) send time above this (ms) means the client could not keep the rate. */
  maxSendLatenessMs: number;
}

export const DEFAULT_SATURATION: SaturationThresholds = { loopDelayP99Ms: 5, minConcurrencyRatio: 0.9, maxCpuCores: 0.9, maxSendLatenessMs: 10 };

export interface SaturationInput {
  client: ClientStats | null;
  /** Target in-flight requests (closed loop); null in open-loop rate mode. */
  targetConcurrency: number | null;
  /** Achieved in-flight requests while the queue was full (see loadPointStats). */
  steadyConcurrency: number | null;
  /** Other processes share the client's CPU figure (e.g. an in-process server): skip the CPU rule. */
  cpuShared?: boolean;
  /** Rate mode without a concurrency cap: p90 of send lateness against the arrival schedule, ms. */
  sendLatenessP90Ms?: number | null;
}

export function saturationReasons(input: SaturationInput, t: SaturationThresholds = DEFAULT_SATURATION): string[] {
  const reasons: string[] = [];
  const c = input.client;
  if (c && c.loopDelayP99Ms > t.loopDelayP99Ms) {
    // A late loop with little CPU of our own means the machine is oversubscribed, not the client busy.
    const why = c.cpuCores < 0.5 ? ` (client used only ${(c.cpuCores * 100).toFixed(0)}% of a core: other processes hold the CPU)` : '';
    reasons.push(`client event-loop delay p99 ${c.loopDelayP99Ms.toFixed(1)} ms > ${t.loopDelayP99Ms} ms: chunk timestamps are late${why}`);
  }
  if (c && !input.cpuShared && c.cpuCores > t.maxCpuCores) {
    reasons.push(`client CPU ${(c.cpuCores * 100).toFixed(0)}% of a core > ${(t.maxCpuCores * 100).toFixed(0)}%: the client caps the load`);
  }
  if (input.targetConcurrency !== null && input.steadyConcurrency !== null &&
      input.steadyConcurrency < t.minConcurrencyRatio * input.targetConcurrency) {
    reasons.push(`achieved concurrency ${input.steadyConcurrency.toFixed(2)} < ${Math.round(t.minConcurrencyRatio * 100)}% of target ` +
      `${input.targetConcurrency}: the client (or run/model concurrency below the sweep level) kept fewer requests in flight`);
  }
  const late = input.sendLatenessP90Ms;
  if (late !== undefined && late !== null && late > t.maxSendLatenessMs) {
    reasons.push(`requests went out late: p90 ${late.toFixed(1)} ms behind the arrival schedule > ${t.maxSendLatenessMs} ms: the client cannot offer this rate`);
  }
  return reasons;
}
