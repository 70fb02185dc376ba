import type { GateCheck, GateReport } from './evaluate.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function properties(c: GateCheck): string {
  const props: Array<[string, unknown]> = [
    ['metric', c.metric], ['baseline', c.baseline], ['current', c.current], ['delta', c.delta],
    ['ci_low', c.ci?.[0]], ['ci_high', c.ci?.[1]], ['test', c.test], ['p', c.p], ['p_holm', c.pAdjusted], ['n', c.n], ['status', c.status],
  ];
  const inner = props.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `<property name="${k}" value="${xml(String(v))}"/>`).join('');
  return inner ? `<properties>${inner}</properties>` : '';
}

/**
 * JUnit XML in the shape GitLab (artifacts:reports:junit) and Jenkins read: one testsuite per
 * benchmark, one testcase per check; regressions are <failure>, inconclusive checks <error>,
 * report-only checks <skipped>.
 */
export function renderJunit(report: GateReport): string {
  const groups = new Map<string, GateCheck[]>();
  for (const c of report.checks) {
    const key = c.benchmark;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const suites = [...groups.entries()].map(([bench, checks]) => {
    const failures = checks.filter((c) => c.status === 'fail').length;
    const errors = checks.filter((c) => c.status === 'error').length;
    const skipped = checks.filter((c) => c.status === 'skipped').length;
    const cases = checks.map((c) => {
      const name = `${c.check}${c.metric ? ` ${c.metric}` : ''}${c.model !== '*' ? ` [${c.model}]` : ''}`;
      const body = c.status === 'fail' ? `<failure type="regression" message="${xml(c.message)}">${xml(c.message)}</failure>`
        : c.status === 'error' ? `<error type="inconclusive" message="${xml(c.message)}">${xml(c.message)}</error>`
          : c.status === 'skipped' ? `<skipped message="${xml(c.message)}"/>`
            : c.status === 'warn' ? `<system-out>${xml(`warning: ${c.message}`)}</system-out>` : `<system-out>${xml(c.message)}</system-out>`;
      return `    <testcase classname="vlmbench.gate.${xml(bench)}" name="${xml(name)}" time="0">${properties(c)}${body}</testcase>`;
    });
    return `  <testsuite name="${xml(bench)}" tests="${checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vlmbench gate" tests="${report.checks.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skipped')}" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
