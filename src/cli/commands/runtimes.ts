import os from 'node:os';
import { UsageError } from '../../core/errors.ts';
import { BuildError, buildLlamaCpp } from '../../runtimes/build.ts';
import { bundledLlamaCpp, describeRuntime, findLlamaCppRuntime, listLlamaCppRuntimes, llamaCppDir } from '../../runtimes/llama-cpp.ts';
import { commandRows, defineCommand, parseCommandArgs, print, type Command } from '../command.ts';

const buildCommand = defineCommand({
  name: 'build',
  summary: 'compile llama-server, llama-mtmd-cli and llama-bench from the llama.cpp source node-llama-cpp ships',
  help: `Usage: vlmbench runtimes build llama.cpp [--cuda | --cpu] [--jobs N]

Clones node-llama-cpp's bundled llama.cpp source (node_modules/node-llama-cpp/llama/gitRelease.bundle; no
download) and builds llama-server, llama-mtmd-cli and llama-bench with cmake (GGML_NATIVE: compiled for
this CPU; CUDA when nvcc is on PATH and nvidia-smi sees a GPU) into the per-user cache, one folder per commit and flag set:
  $VLMBENCH_RUNTIMES_DIR, or $XDG_CACHE_HOME/vlmbench/runtimes, or ~/.cache/vlmbench/runtimes.
Resumable: run it again after an interruption and it continues. About 10 minutes on 2 cores.
llama-cpp models with runtime: auto (the default) use the build from then on.

Options:
  --cuda      insist on a CUDA build (fails without nvcc)
  --cpu       CPU build even where CUDA is available
  --jobs N    parallel compile jobs (default: number of CPUs)`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { cuda: { type: 'boolean' }, cpu: { type: 'boolean' }, jobs: { type: 'string' } });
    if (positionals.length !== 1 || positionals[0] !== 'llama.cpp') {
      throw new UsageError(`runtimes build takes one runtime name, got '${positionals.join(' ')}'`, { hint: 'vlmbench runtimes build llama.cpp' });
    }
    if (values.cuda && values.cpu) throw new UsageError('--cuda and --cpu exclude each other');
    const jobs = values.jobs === undefined ? os.cpus().length : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs '${values.jobs}' is not a positive integer`);
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    const t0 = Date.now();
    try {
      const rt = await buildLlamaCpp({ cuda: values.cpu ? false : values.cuda, jobs, env: io.env, log: (l) => print(io.stderr, l), signal: abort.signal });
      print(io.stdout, `built ${describeRuntime(rt)} in ${((Date.now() - t0) / 60_000).toFixed(1)} min: ${rt.binaries['llama-server']}`);
      return 0;
    } catch (err) {
      if (abort.signal.aborted) { print(io.stderr, 'interrupted: run the same command again to resume'); return 1; }
      if (err instanceof BuildError) {
        print(io.stderr, `error: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`);
        return 1;
      }
      throw err;
    } finally {
      process.off('SIGINT', stop);
    }
  },
});

const listCommand = defineCommand({
  name: 'list',
  summary: 'list the managed llama.cpp builds and which one llama-cpp models use',
  help: `Usage: vlmbench runtimes list [--json]`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, false);
    const all = listLlamaCppRuntimes(io.env);
    const used = findLlamaCppRuntime({ env: io.env });
    if (values.json) { print(io.stdout, JSON.stringify({ bundled: bundledLlamaCpp(), used: used?.dir ?? null, builds: all }, null, 2)); return 0; }
    print(io.stdout, `bundled source: llama.cpp ${bundledLlamaCpp().commit.slice(0, 12)}; cache ${llamaCppDir(io.env)}`);
    if (all.length === 0) print(io.stdout, 'no builds: vlmbench runtimes build llama.cpp');
    for (const rt of all) print(io.stdout, `${rt.dir === used?.dir ? '* ' : '  '}${describeRuntime(rt)}  ${rt.dir}`);
    return 0;
  },
});

const SUBCOMMANDS: Command[] = [buildCommand, listCommand];

function help(): string {
  return ['Usage: vlmbench runtimes <subcommand> [options]', '', 'Native runtimes vlmbench builds and manages.', '', 'Subcommands:', ...commandRows(SUBCOMMANDS)].join('\n');
}

export default defineCommand({
  name: 'runtimes',
  summary: 'build and list managed native runtimes (llama.cpp llama-server)',
  get help() { return help(); },
  subcommands: SUBCOMMANDS,
  async run(argv, io) {
    if (argv.length === 0) { print(io.stdout, help()); return 0; }
    throw new UsageError(`unknown subcommand 'runtimes ${argv[0]}'`, { hint: `one of ${SUBCOMMANDS.map((c) => c.name).join(', ')}` });
  },
});
