import { z } from 'zod';
import { WorkloadOptions } from '../../src/perf/workload.ts';

export const SloOptions = z.strictObject({
  ttftMs: z.number().positive().optional(),
  tpotMs: z.number().positive().optional(),
  e2elMs: z.number().positive().optional(),
});

export const ThroughputOptions = WorkloadOptions.extend({
  /** 'concurrency': closed-loop sweep over `concurrency`; 'rate': open-loop Poisson/gamma arrivals at each of `rates`. */
  mode: z.enum(['concurrency', 'rate']).default('concurrency'),
  concurrency: z.array(z.int().positive()).min(1).default([1, 2, 4, 8, 16, 32, 64]),
  /** Mean request rates, requests per second (rate mode). */
  rates: z.array(z.number().positive()).min(1).default([1, 2, 4]),
  /** Gamma shape of inter-arrival gaps: 1 = Poisson, < 1 burstier, > 1 more regular (vLLM --burstiness). */
  burstiness: z.number().positive().default(1),
  /** Rate mode: cap on requests in flight (vLLM --max-concurrency); none by default. */
  maxConcurrency: z.int().positive().optional(),
  /** Measured requests per load point; default max(minRequests, requestsPerSlot × concurrency) or minRequests in rate mode. */
  requests: z.int().positive().optional(),
  requestsPerSlot: z.int().positive().default(4),
  minRequests: z.int().positive().default(16),
  /** Warm-up requests per load point (not recorded); default = the point's concurrency. */
  warmup: z.int().min(0).optional(),
  /** Goodput SLOs in ms (vLLM --goodput ttft:… tpot:… e2el:…). */
  slo: SloOptions.default({}),
  /** Client-saturation rules (kubernetes-sigs/inference-perf #648). */
  saturation: z.strictObject({
    loopDelayP99Ms: z.number().positive().default(5),
    minConcurrencyRatio: z.number().min(0).max(1).default(0.9),
    maxCpuCores: z.number().positive().default(0.9),
    maxSendLatenessMs: z.number().positive().default(10),
  }).default({ loopDelayP99Ms: 5, minConcurrencyRatio: 0.9, maxCpuCores: 0.9, maxSendLatenessMs: 10 }),
  /** A step counts as growth when throughput rises by at least this fraction (knee detection). */
  growthThreshold: z.number().min(0).default(0.1),
  /** The client shares its CPU with an in-process server (tests, `vlmbench serve` in the same process). */
  cpuShared: z.boolean().default(false),
});
export type ThroughputOptions = z.infer<typeof ThroughputOptions>;
