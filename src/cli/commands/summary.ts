import path from 'node:path';
import type { MetricValue, RunSummary } from '../../core/record.ts';
import { UsageError } from '../../core/errors.ts';
import { readSummary } from '../../results/files.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

function metricCell(m: MetricValue | undefined): string {
  if (!m) return '—';
  const ci = m.ci ? ` [${fmt(m.ci[0])}, ${fmt(m.ci[1])}]` : '';
  return `${fmt(m.value)}${m.unit ? ` ${m.unit}` : ''}${ci}`;
}

/** A note may carry a hint on its next line; the table shows one line per result. */
const firstLine = (note: string | undefined) => note?.split('\n')[0] ?? '';

/** Terminal table: one row per model × suite with the headline metric, its CI, n and errors. */
export function formatSummaryTable(summary: RunSummary): string {
  const rows = summary.results.map((r) => {
    const key = r.headline ?? Object.keys(r.metrics)[0];
    return [r.model, r.suite, key ?? '—', metricCell(key ? r.metrics[key] : undefined), String(r.n), String(r.errors), r.promptSource ?? 'client', firstLine(r.notes?.[0])];
  });
  // `prompt`: who rendered it (client template, server template, raw): scores are comparable only within one.
  const header = ['model', 'suite', 'metric', 'value [95% CI]', 'n', 'errors', 'prompt', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

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
    print(io.stdout, values.json ? JSON.stringify(summary, null, 2) : formatSummaryTable(summary));
    return 0;
  },
});
