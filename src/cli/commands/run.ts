import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { runBenchmark, type RunOverrides, type Shard } from '../../runner/index.ts';
import { configArgument, defineCommand, parseCommandArgs, print, QUICKSTART_CONFIG } from '../command.ts';
import { createProgress } from '../progress.ts';
import { formatErrorKinds } from '../../runner/error-kinds.ts';
import { formatSummaryTable, tableWidth } from '../summary-table.ts';

const HELP = `Usage: vlmbench run [config] [options]

Run every model × suite of a config and write results/<run-id>/ (samples.jsonl, manifest.json,
summary.json, report.html). Default config: configs/quickstart.yaml (tiny generated models).

Options:
  --resume <run-dir>   continue a run: finished samples are skipped, never redone or duplicated
  --force              resume even if the config, dataset or model files changed
  --retry-errors       with --resume: run again the samples that ended in an error
  --limit <n>          at most n samples per suite
  --models <a,b>       only these model ids
  --suites <x,y>       only these suite ids
  --out <dir>          results root (default: the config's run.out)
  --run-id <id>        name of the run folder
  --shard <i/n>        run shard i of n (0-based); default from JOB_COMPLETION_INDEX / VLMBENCH_SHARD_COUNT
  --no-report          skip the HTML report
  --verbose            stack traces and debug logs

Ctrl-C once: stop scheduling, finish in-flight requests (bounded), write results, exit 130.
Ctrl-C twice: abort in-flight requests too.`;

export function parseShard(value: string | undefined, env: NodeJS.ProcessEnv): Shard | undefined {
  if (value) {
    const m = /^(\d+)\/(\d+)$/.exec(value);
    if (!m || Number(m[1]) >= Number(m[2]) || Number(m[2]) < 1) throw new UsageError(`--shard '${value}' is not i/n with 0 ≤ i < n`, { hint: 'e.g. --shard 0/3' });
    return { index: Number(m[1]), count: Number(m[2]) };
  }
  // Kubernetes Indexed Job: the index comes from the pod, the count from the job spec.
  if (env.JOB_COMPLETION_INDEX !== undefined && env.VLMBENCH_SHARD_COUNT) {
    return parseShard(`${env.JOB_COMPLETION_INDEX}/${env.VLMBENCH_SHARD_COUNT}`, {});
  }
  return undefined;
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** Bounded wait for in-flight work after the first Ctrl-C. */
const DRAIN_MS = 30_000;

export default defineCommand({
  name: 'run',
  summary: 'run a config (default: the quickstart on tiny generated models)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      resume: { type: 'string' }, force: { type: 'boolean' }, limit: { type: 'string' },
      models: { type: 'string' }, suites: { type: 'string' }, out: { type: 'string' }, 'run-id': { type: 'string' },
      shard: { type: 'string' }, 'no-report': { type: 'boolean' }, 'retry-errors': { type: 'boolean' },
    });
    const configArg = configArgument(positionals, io, 'vlmbench run [config] [options]');
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit '${values.limit}' is not a positive integer`);
    const given: RunOverrides = {
      limit, models: list(values.models), suites: list(values.suites), out: values.out && path.resolve(io.cwd, values.out),
      runId: values['run-id'], shard: parseShard(values.shard, io.env),
    };
    const previous = values.resume ? await previousRun(path.resolve(io.cwd, values.resume)) : undefined;
    // A resumed run keeps the flags it started with unless they are given again.
    const overrides: RunOverrides = { ...previous?.overrides };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) (overrides as Record<string, unknown>)[k] = v;
    const configFile = configArg ?? previous?.configFile ?? QUICKSTART_CONFIG;

    const stop = new AbortController();
    const abort = new AbortController();
    const progress = createProgress(io.stderr);
    const onSigint = () => {
      if (!stop.signal.aborted) {
        progress.log('interrupt: finishing in-flight requests (Ctrl-C again to abort them)');
        stop.abort();
        setTimeout(() => abort.abort(), DRAIN_MS).unref();
      } else abort.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const outcome = await runBenchmark({
        configFile, overrides, resumeDir: values.resume && path.resolve(io.cwd, values.resume), force: values.force, retryErrors: values['retry-errors'],
        env: io.env, events: progress, stop: stop.signal, abort: abort.signal, report: values['no-report'] ? false : undefined,
      });
      progress.finish();
      print(io.stdout, formatSummaryTable(outcome.summary, tableWidth(io.stdout)));
      if (outcome.errorKinds.length > 0) print(io.stdout, formatErrorKinds(outcome.errorKinds));
      print(io.stdout, `results: ${outcome.runDir}${outcome.reportPath ? `\nreport:  ${outcome.reportPath}` : ''}`);
      if (outcome.interrupted) {
        print(io.stderr, `interrupted; resume with: vlmbench run --resume ${outcome.runDir}`);
        return 130;
      }
      return outcome.failures > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
});

async function previousRun(runDir: string): Promise<{ configFile?: string; overrides?: RunOverrides }> {
  const { readManifest } = await import('../../results/files.ts');
  const manifest = await readManifest(runDir);
  return { configFile: manifest.configFile, overrides: manifest.overrides as RunOverrides | undefined };
}
