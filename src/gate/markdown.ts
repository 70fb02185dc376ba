import { fmt, fmtP, type GateReport } from './evaluate.ts';

/** GitHub caps a step summary at 1 MiB; stay well under it. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024 - 4096;

const ICON = { pass: '✅', warn: '⚠️', fail: '❌', error: '⛔', skipped: '⏭️' } as const;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown summary for CI job pages: verdict, then one table row per check. */
export function renderMarkdown(report: GateReport, limit = STEP_SUMMARY_LIMIT): string {
  const verdict = { pass: '✅ **pass**', regression: '❌ **regression**', inconclusive: '⛔ **inconclusive**' }[report.status];
  const head = [
    `## vlmbench gate: ${verdict}`,
    '',
    `Baseline \`${cell(report.baseline)}\` → current \`${cell(report.current)}\` · α = ${report.alpha} (one-sided, Holm-corrected)`,
    '',
    '| | model | benchmark | check | baseline | current | Δ [95% CI] | p (Holm) | detail |',
    '|---|---|---|---|---:|---:|---|---:|---|',
  ];
  for (const m of report.modelChanges ?? []) head.splice(3, 0, `Model under test changed (\`${cell(m.model)}\`): ${cell(m.changes.join('; '))}`, '');
  const rows = report.checks.map((c) => `| ${ICON[c.status]} | ${cell(c.model)} | ${cell(c.benchmark)} | ${c.check}${c.metric ? ` ${cell(c.metric)}` : ''} | ${fmt(c.baseline)} | ${fmt(c.current)} | ${c.delta === undefined ? '—' : `${fmt(c.delta)}${c.ci ? ` [${fmt(c.ci[0])}, ${fmt(c.ci[1])}]` : ''}`} | ${c.pAdjusted !== undefined ? fmtP(c.pAdjusted) : fmtP(c.p)} | ${cell(c.message)} |`);
  const out = [...head];
  let size = Buffer.byteLength(head.join('\n'));
  for (const [i, row] of rows.entries()) {
    size += Buffer.byteLength(row) + 1;
    if (size > limit - 200) { out.push('', `_${rows.length - i} more rows omitted to stay under the step-summary limit; see gate.json._`); break; }
    out.push(row);
  }
  return `${out.join('\n')}\n`;
}

/** GitHub workflow commands: one ::error per failed or inconclusive check. */
export function renderAnnotations(report: GateReport): string[] {
  return report.checks
    .filter((c) => c.status === 'fail' || c.status === 'error')
    .map((c) => `::error title=vlmbench gate ${c.status === 'fail' ? 'regression' : 'inconclusive'} (${c.benchmark})::${c.model} ${c.benchmark}${c.metric ? ` ${c.metric}` : ''}: ${c.message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
}
