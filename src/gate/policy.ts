import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseYamlWith } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * Gate policy (configs/gate.yaml). Drops and floors are in the units the metric has in summary.json.
 * A benchmark FAILS when it is below its floor, or when it dropped by more than max_drop AND the
 * one-sided paired test is significant after Holm correction (Holm 1979; the same paired tests as `vlmbench compare`).
 */
export const BenchmarkPolicy = z.strictObject({
  /** Metric key; default: the suite's headline. */
  metric: z.string().optional(),
  floor: z.number().nullable().default(null),
  max_drop: z.number().min(0).default(1),
  /** Metadata field whose value groups samples (several questions per image): resample by it. */
  cluster_by: z.string().optional(),
  test: z.enum(['auto', 'mcnemar', 'paired_bootstrap']).default('auto'),
  report_only: z.boolean().default(false),
});

export const PerfGate = z.strictObject({
  metric: z.string(),
  /** For lower-is-better metrics: current ≤ base × (1 + max_rel_increase) + abs_slack. */
  max_rel_increase: z.number().min(0).optional(),
  /** For higher-is-better metrics: current ≥ base × (1 − max_rel_decrease). */
  max_rel_decrease: z.number().min(0).optional(),
  abs_slack: z.number().min(0).default(0),
});

export const GatePolicy = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** What must match between baseline and current, or the gate is inconclusive (exit 2). */
  require_same: z.array(z.enum(['dataset', 'template', 'config'])).default(['dataset', 'template', 'config']),
  /** Share of errored samples above which a benchmark is inconclusive. */
  max_error_rate: z.number().min(0).max(1).default(0.05),
  bootstrap: z.strictObject({ iterations: z.int().positive().default(2000), seed: z.int().default(0) }).default({ iterations: 2000, seed: 0 }),
  accuracy: z.strictObject({
    default: BenchmarkPolicy.default(BenchmarkPolicy.parse({})),
    benchmarks: z.record(z.string(), BenchmarkPolicy.partial()).default({}),
  }).default({ default: BenchmarkPolicy.parse({}), benchmarks: {} }),
  perf: z.strictObject({
    require_same_hardware: z.boolean().default(true),
    gates: z.array(PerfGate).default([]),
  }).default({ require_same_hardware: true, gates: [] }),
});

export type BenchmarkPolicy = z.infer<typeof BenchmarkPolicy>;
export type GatePolicy = z.infer<typeof GatePolicy>;

export const DEFAULT_POLICY: GatePolicy = GatePolicy.parse({});

export function policyFor(policy: GatePolicy, suite: string): BenchmarkPolicy {
  return { ...policy.accuracy.default, ...policy.accuracy.benchmarks[suite] } as BenchmarkPolicy;
}

export async function loadPolicy(file: string | undefined): Promise<GatePolicy> {
  if (!file) return DEFAULT_POLICY;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'gate policy not found' : `cannot read gate policy (${code ?? (err as Error).message})`, {
      file, cause: err, hint: 'check the --policy path (configs/gate.yaml is the shipped policy)',
    });
  }
  return parseYamlWith(GatePolicy, text, file, 'fields: alpha, require_same, max_error_rate, bootstrap, accuracy, perf (see configs/gate.yaml)');
}
