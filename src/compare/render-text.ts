import type { RunComparison, SuiteComparison } from './compare.ts';
import { comparisonRows, footnote, ROW_HEAD, title, type ComparisonRow } from './format.ts';

/**
 * A terminal is narrower than a report: the text table keeps what a verdict rests on (paired Δ with its
 * CI, Holm p, flips), names the test briefly and last; one- and two-sided p and the full test
 * description are in `--format md` and `html`.
 */
const COLUMNS: Array<keyof ComparisonRow> = ['suite', 'models', 'metric', 'baseline', 'current', 'delta', 'paired', 'n', 'pHolm', 'flips', 'verdict', 'test'];

function shortTest(s: SuiteComparison): string {
  const p = s.paired;
  if (p.test === 'none') return 'none';
  if (p.mode === 'unpaired') return 'UNPAIRED';
  if (p.test === 'mcnemar') return `McNemar b=${p.b} c=${p.c}`;
  const by = s.pairing.declaration?.clusterBy ? ` by ${s.pairing.declaration.clusterBy}` : '';
  if (p.test === 'bootstrap-mean') return `bootstrap mean${by}`;
  if (p.test === 'bootstrap-ratio') return `bootstrap ratio${by}`;
  return `distribution (Mann-Whitney)`;
}

/** Run data (model output, sample ids) is printed as text: control characters could drive the terminal. */
// eslint-disable-next-line no-control-regex
const printable = (line: string): string => line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Terminal table with aligned columns, then the first flipped samples of each benchmark. */
export function renderComparisonText(comparisons: readonly RunComparison[], opts: { flips?: number } = {}): string {
  const out: string[] = [];
  for (const c of comparisons) {
    const rows = comparisonRows(c).map((r, i) => ({ ...r, test: shortTest(c.suites[i]!) }));
    const cells = [COLUMNS.map((k) => ROW_HEAD[k]), ...rows.map((r) => COLUMNS.map((k) => r[k]))];
    const widths = COLUMNS.map((_, i) => Math.max(...cells.map((r) => [...r[i]!].length)));
    out.push(title(c), '');
    cells.forEach((r, ri) => {
      out.push(r.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd());
      if (ri === 0) out.push(widths.map((w) => '─'.repeat(w)).join('  '));
    });
    out.push('', footnote(c), 'One- and two-sided p and each test in full: --format md or html.');
    const shown = opts.flips ?? 3;
    for (const s of c.suites) {
      if (s.worse.length === 0 && s.better.length === 0) continue;
      out.push('', `${s.suite} (${s.baselineModel === s.currentModel ? s.currentModel : `${s.baselineModel} → ${s.currentModel}`}): ${s.worseCount} worse, ${s.betterCount} better`);
      const answers = (f: (typeof s.worse)[number]) => `${JSON.stringify(clip(f.baselineOutput ?? '', 40))} → ${JSON.stringify(clip(f.currentOutput ?? '', 40))}${f.reference ? `  (reference ${clip(f.reference, 40)})` : ''}`;
      for (const f of s.worse.slice(0, shown)) out.push(`  ▼ ${f.sampleId}: ${f.baseline} → ${f.current}  ${answers(f)}`);
      for (const f of s.better.slice(0, shown)) out.push(`  ▲ ${f.sampleId}: ${f.baseline} → ${f.current}  ${answers(f)}`);
    }
    out.push('');
  }
  return out.map(printable).join('\n');
}
