import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseYamlWith } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * Gate policy (configs/gate.yaml). Drops and floors are in the units the metric has in summary.json.
 * A benchmark FAILS when it is below its floor, or when it dropped by more than max_drop AND the
 * one-sided test its suite declares is significant after Holm correction across the model's benchmarks.
 */
export const BenchmarkPolicy = z.strictObject({
  /** Metric key; default: the suite's headline. */
  metric: z.string().optional(),
  floor: z.number().nullable().default(null),
  max_drop: z.number().min(0).default(1),
  /** Metadata field whose value groups samples (several questions per image): resample by it (overrides the suite's clusterBy). */
  cluster_by: z.string().optional(),
  /** auto/mcnemar: the test the suite declares for the metric; paired_bootstrap: bootstrap 0/1 items too. */
  test: z.enum(['auto', 'mcnemar', 'paired_bootstrap']).default('auto'),
  report_only: z.boolean().default(false),
});

/**
 * A per-benchmark override: only the fields written (no defaults here, or an override of `cluster_by`
 * alone would silently reset the default's max_drop and floor).
 */
export const BenchmarkOverride = z.strictObject({
  metric: z.string().optional(),
  floor: z.number().nullable().optional(),
  max_drop: z.number().min(0).optional(),
  cluster_by: z.string().optional(),
  test: z.enum(['auto', 'mcnemar', 'paired_bootstrap']).optional(),
  report_only: z.boolean().optional(),
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
  /**
   * What must match between baseline and current, or the gate is inconclusive (exit 2): dataset contents,
   * prompt templates, and `config` = the evaluation part of the config (suites, judge, seed), field by field.
   * The model part (files, backend, quantization, runtime) may differ: it is reported.
   */
  require_same: z.array(z.enum(['dataset', 'template', 'config'])).default(['dataset', 'template', 'config']),
  /** Share of errored samples above which a benchmark is inconclusive. */
  max_error_rate: z.number().min(0).max(1).default(0.05),
  bootstrap: z.strictObject({ iterations: z.int().positive().default(2000), seed: z.int().default(0) }).default({ iterations: 2000, seed: 0 }),
  accuracy: z.strictObject({
    default: BenchmarkPolicy.default(BenchmarkPolicy.parse({})),
    benchmarks: z.record(z.string(), BenchmarkOverride).default({}),
  }).default({ default: BenchmarkPolicy.parse({}), benchmarks: {} }),
  perf: z.strictObject({
    require_same_hardware: z.boolean().default(true),
    gates: z.array(PerfGate).default([]),
  }).default({ require_same_hardware: true, gates: [] }),
});

export type BenchmarkPolicy = z.infer<typeof BenchmarkPolicy>;
export type GatePolicy = z.infer<typeof GatePolicy>;

/**
 * The built-in policy, used without --policy. configs/gate.yaml spells out the same values (a test keeps
 * them equal) and `vlmbench gate --help` prints them from here.
 */
export const DEFAULT_POLICY: GatePolicy = GatePolicy.parse({
  accuracy: {
    default: { floor: null, max_drop: 1.0, test: 'auto' },
    benchmarks: {
      // LLM-judged (relative score, %): the judge adds its own noise, so a larger material drop.
      conversation: { max_drop: 5.0 },
      detail: { max_drop: 5.0 },
      reasoning: { max_drop: 5.0 },
      'llava-bench': { max_drop: 5.0 },
    },
  },
  perf: {
    require_same_hardware: true,
    gates: [
      { metric: 'ttft_p90', max_rel_increase: 0.10, abs_slack: 5 },
      { metric: 'peak_output_throughput', max_rel_decrease: 0.05 },
    ],
  },
});

/** One line per rule of a policy, for --help and the docs. */
export function describePolicy(p: GatePolicy): string[] {
  const lines = [
    `alpha ${p.alpha} (one-sided, Holm-corrected); require_same: ${p.require_same.join(', ')}; max_error_rate ${p.max_error_rate}`,
    `accuracy default: max_drop ${p.accuracy.default.max_drop}${p.accuracy.default.floor !== null ? `, floor ${p.accuracy.default.floor}` : ''}, test ${p.accuracy.default.test}`,
    ...Object.entries(p.accuracy.benchmarks).map(([k, v]) => `  ${k}: ${Object.entries(v).map(([f, x]) => `${f} ${String(x)}`).join(', ')}`),
    `perf (same hardware only: ${p.perf.require_same_hardware}):`,
    ...p.perf.gates.map((g) => `  ${g.metric}: ${g.max_rel_increase !== undefined ? `at most +${g.max_rel_increase * 100}%${g.abs_slack ? ` + ${g.abs_slack}` : ''}` : `at most −${(g.max_rel_decrease ?? 0) * 100}%`}`),
  ];
  return lines;
}

/**
 * Every metric a policy names must be one a suite produces, or a misspelt or invented metric would gate
 * nothing and pass: accuracy metrics against the suites in the runs, perf gates (which name a metric, not a
 * suite) against the runs and every registered suite (a latency gate is skipped when no latency ran).
 */
export function checkPolicyMetrics(policy: GatePolicy, file: string | undefined, produced: ReadonlySet<string>, registry: ReadonlySet<string> = new Set()): void {
  const named: Array<[string, string, boolean]> = [];
  if (policy.accuracy.default.metric) named.push(['accuracy.default.metric', policy.accuracy.default.metric, false]);
  for (const [suite, b] of Object.entries(policy.accuracy.benchmarks)) if (b.metric) named.push([`accuracy.benchmarks.${suite}.metric`, b.metric, false]);
  policy.perf.gates.forEach((g, i) => named.push([`perf.gates[${i}].metric`, g.metric, true]));
  for (const [field, metric, perf] of named) {
    if (produced.has(metric) || (perf && registry.has(metric))) continue;
    const real = [...new Set([...produced, ...(perf ? registry : [])])].filter((m) => !/^(c|rate)[\d.]+\./.test(m)).sort();
    throw new ConfigError(`gate policy names metric '${metric}', which no suite ${perf ? '' : 'in these runs '}produces`, {
      file: file ?? '(built-in policy)', field,
      hint: `real metrics: ${real.join(', ')}`,
    });
  }
}

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
