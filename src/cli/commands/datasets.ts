import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { checkDataset, formatDatasetReport } from '../../runner/dataset-check.ts';
import { KNOWN_SUITES } from '../../runner/suites.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

const HELP = `Usage: vlmbench datasets check <suite> <dir> [--split S] [--json]

Checks a dataset folder the way a run would read it, without a model: the suite's loader reads the
official layout, every request is built, and each image is opened. Prints the sample count and every
problem (samples that cannot be loaded, duplicate ids, images missing or unreadable).
docs/datasets.md says where each dataset comes from and the folder layout it needs.

Suites: ${KNOWN_SUITES.join(', ')}
Exit codes: 0 the folder is complete, 1 problems found, 2 not a dataset of that suite (or bad arguments).`;

export const datasetsCommand = defineCommand({
  name: 'datasets',
  summary: 'check a dataset folder (files, counts, images, ids) without running a model',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'check') throw new UsageError(sub ? `unknown subcommand 'datasets ${sub}'` : 'missing subcommand', { hint: 'vlmbench datasets check <suite> <dir>' });
    const { values, positionals } = parseCommandArgs(rest, { split: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 2) throw new UsageError(`expected <suite> <dir>, got ${positionals.length} argument(s)`, { hint: 'vlmbench datasets check scienceqa ./datasets/scienceqa' });
    const [suite, dir] = positionals as [string, string];
    const report = await checkDataset(suite, path.resolve(io.cwd, dir), { split: values.split, env: io.env });
    print(io.stdout, values.json ? JSON.stringify(report, null, 2) : formatDatasetReport(report));
    return report.problems.length ? 1 : 0;
  },
});

export default datasetsCommand;
