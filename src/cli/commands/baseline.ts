import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { promoteBaseline } from '../../gate/index.ts';
import { defineCommand, parseCommandArgs, print, type Command } from '../command.ts';

const promote = defineCommand({
  name: 'promote',
  summary: 'store a compact baseline of a run, meant to be committed',
  help: `Usage: vlmbench baseline promote <run-dir> --to <dir>

Writes summary.json, manifest.json (config omitted) and a compact samples.jsonl (per-sample scores,
image ids for clustering, error codes; no outputs, prompts or images) that \`vlmbench gate\` reads.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { to: { type: 'string' } });
    if (positionals.length !== 1 || !values.to) throw new UsageError('usage: vlmbench baseline promote <run-dir> --to <dir>');
    const r = await promoteBaseline(path.resolve(io.cwd, positionals[0]!), path.resolve(io.cwd, values.to));
    print(io.stdout, `baseline: ${r.dir} (${r.samples} samples, ${(r.bytes / 1024).toFixed(1)} KiB)`);
    return 0;
  },
});

const subcommands: Command[] = [promote];

export default defineCommand({
  name: 'baseline',
  summary: 'manage committed baselines for the regression gate',
  help: `Usage: vlmbench baseline <command>

Commands:
${subcommands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}`,
  subcommands,
  async run(argv) {
    throw new UsageError(`unknown subcommand 'baseline ${argv[0] ?? ''}'`, { hint: 'vlmbench baseline --help' });
  },
});
