import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { readSummary } from '../../results/files.ts';
import { formatSummaryTable, tableWidth } from '../summary-table.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

export { formatSummaryTable } from '../summary-table.ts';

export default defineCommand({
  name: 'summary',
  summary: 'print the summary table of a run directory',
  help: `Usage: vlmbench summary <run-dir> [--json]

Prints every model × suite headline metric with its 95% interval, n and errors.
  --json   print summary.json as is`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError(`expected one run directory, got ${positionals.length}`, { hint: 'vlmbench summary results/<run-id>' });
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const summary = await readSummary(dir);
    print(io.stdout, values.json ? JSON.stringify(summary, null, 2) : formatSummaryTable(summary, tableWidth(io.stdout)));
    return 0;
  },
});
