import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { mergeRuns } from '../../runner/merge.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';
import { formatSummaryTable, tableWidth } from '../summary-table.ts';

export default defineCommand({
  name: 'merge',
  summary: 'join the run directories of sharded runs into one run',
  help: `Usage: vlmbench merge <shard-dir...> --out <run-dir> [--no-report]

Joins shard runs (vlmbench run --shard i/n, or a Kubernetes Indexed Job) into one run directory whose
samples and summary equal those of an unsharded run, and writes its report.html (as a run would, unless
the config disables reports or --no-report is given). Shards must share config and dataset hashes.
Performance suites run on shard 0 only, so their results come from that shard.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' }, 'no-report': { type: 'boolean' } });
    if (!values.out) throw new UsageError('--out <run-dir> is required');
    const result = await mergeRuns(positionals.map((p) => path.resolve(io.cwd, p)), path.resolve(io.cwd, values.out), io.env);
    print(io.stdout, formatSummaryTable(result.summary, tableWidth(io.stdout)));
    print(io.stdout, `merged ${positionals.length} shard(s), ${result.samples} samples → ${result.outDir}`);
    if (result.report.enabled && !values['no-report']) {
      const { writeRunReport } = await import('../../report/index.ts');
      print(io.stdout, `report:  ${await writeRunReport(result.outDir, { out: result.report.out, published: result.report.published })}`);
    }
    return 0;
  },
});
