import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { resolvePublished } from '../../report/published.ts';
import { writeReport } from '../../report/index.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write a self-contained HTML report (radar charts, tables, samples) for run directories',
  help: `Usage: vlmbench report <run-dir...> [--out FILE] [--published FILE]... [--no-published] [--no-png]

Writes one HTML file that opens offline: radar charts in the style of the LLaVA-1.5 figure, every metric
with its 95% interval, ScienceQA categories, latency percentiles and CDFs, throughput vs concurrency, the
run manifest and a per-sample browser. Charts can be downloaded as SVG and PNG.

Options:
  --out FILE          output file (default: <first run-dir>/report.html)
  --published FILE    published reference scores to overlay: a file, or a bundled name such as
                      llava-family (repeatable; default: configs/published/llava-family.yaml)
  --no-published      leave published scores out
  --no-png            skip PNG copies of the charts (faster, smaller)
  --no-samples        leave the per-sample browser out

Examples:
  vlmbench report results/quickstart-2026-11-27T12-00-00
  vlmbench report results/run-a results/run-b --out reports/ab.html`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      published: { type: 'string', multiple: true },
      'no-published': { type: 'boolean' },
      'no-png': { type: 'boolean' },
      'no-samples': { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('report needs at least one run directory', { hint: 'vlmbench report results/<run-id>' });
    const resolve = (p: string) => path.resolve(io.cwd, p);
    const out = await writeReport(positionals.map(resolve), {
      out: values.out ? resolve(values.out) : undefined,
      published: values['no-published'] ? [] : values.published?.map((f) => resolvePublished(f, io.cwd)),
      png: !values['no-png'],
      samples: values['no-samples'] ? false : undefined,
    });
    print(io.stdout, out);
    return 0;
  },
});

export default reportCommand;
