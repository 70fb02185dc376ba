import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { DEFAULT_POLICY, describePolicy } from '../../gate/policy.ts';
import { runGate } from '../../gate/index.ts';
import { checkPromptProvenance } from '../../gate/provenance.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';
import { loadSuiteCatalog } from '../suite-catalog.ts';

const STATUS = { pass: 'ok  ', warn: 'warn', fail: 'FAIL', error: 'ERR ', skipped: 'skip' } as const;

export default defineCommand({
  name: 'gate',
  summary: 'gate a run against a baseline: exit 0 pass, 1 regression, 2 inconclusive',
  help: `Usage: vlmbench gate --baseline <run-dir|baseline-dir|summary.json> --current <run-dir> [options]

Each benchmark is tested on the per-sample scores its suite declares for the metric (exact McNemar for
right/wrong items, paired bootstrap of a mean or a ratio of means for graded ones, resampling whole
images), Holm-corrected across benchmarks; absolute floors and maximum drops from the policy;
performance gates only when the hardware fingerprints match. The model under test may differ (files,
backend, quantization, runtime: reported); the evaluation may not (suites, datasets, templates, judge).

Options:
  --policy <gate.yaml>   thresholds (default: the built-in policy below = configs/gate.yaml)
  --out <dir>            where gate.json, junit.xml and gate-summary.md go (default: the current run)
  --allow-provenance-mismatch
                         gate even when the prompts were rendered differently (client template vs a
                         server's own template vs raw); refused with exit 2 otherwise

Built-in policy:
${describePolicy(DEFAULT_POLICY).map((l) => `  ${l}`).join('\n')}

Also appends the Markdown summary to $GITHUB_STEP_SUMMARY when set, and prints ::error annotations
for failures when GITHUB_ACTIONS=true.
Exit codes: 0 pass, 1 regression, 2 inconclusive (different evaluation config/dataset/template, too many
errors, a benchmark missing), a policy metric no suite produces, or a usage error.`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { baseline: { type: 'string' }, current: { type: 'string' }, policy: { type: 'string' }, out: { type: 'string' }, 'allow-provenance-mismatch': { type: 'boolean' } }, false);
    if (!values.baseline || !values.current) throw new UsageError('--baseline and --current are required', { hint: 'vlmbench gate --baseline baselines/main --current results/<run-id>' });
    const r = (p: string | undefined) => p && path.resolve(io.cwd, p);
    const mismatches = await checkPromptProvenance(r(values.baseline)!, r(values.current)!);
    for (const m of mismatches) print(io.stderr, `prompt provenance differs for ${m.model} × ${m.suite}: baseline ${m.baseline}, current ${m.current}`);
    if (mismatches.length > 0 && !values['allow-provenance-mismatch']) {
      print(io.stderr, 'gate: INCONCLUSIVE (exit 2): scores rendered by different prompt templates are not comparable; pass --allow-provenance-mismatch to gate anyway');
      return 2;
    }
    const { report, files, annotations } = await runGate({
      baseline: r(values.baseline)!, current: r(values.current)!, policy: r(values.policy), outDir: r(values.out), env: io.env,
      catalog: loadSuiteCatalog,
    });
    const width = Math.max(5, ...report.checks.map((c) => c.model.length));
    for (const c of report.checks) {
      print(io.stdout, `${STATUS[c.status]}  ${c.model.padEnd(width)}  ${c.benchmark.padEnd(12)} ${`${c.check}${c.metric ? ` ${c.metric}` : ''}`.padEnd(24)} ${c.message}`);
    }
    for (const m of report.modelChanges) print(io.stdout, `\nmodel under test changed (${m.model}): ${m.changes.join('; ')}`);
    print(io.stdout, `\ngate: ${report.status.toUpperCase()} (exit ${report.exitCode})\n${files.json}\n${files.junit}\n${files.markdown}`);
    if (io.env.GITHUB_ACTIONS === 'true') for (const a of annotations) print(io.stdout, a);
    return report.exitCode;
  },
});
