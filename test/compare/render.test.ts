import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMany } from '../../src/compare/compare.ts';
import type { SuitePairings } from '../../src/compare/pair.ts';
import { renderComparisonHtml } from '../../src/compare/render-html.ts';
import { mdCell, renderComparisonMarkdown } from '../../src/compare/render-md.ts';
import { renderComparisonText } from '../../src/compare/render-text.ts';
import { loadRun, type LoadedRun } from '../../src/results/files.ts';
import { runCliIn } from '../helpers/cli.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

const HOSTILE = '<script>window.__pwned=1</script> | `x`';
let tmp: string;
let runs: LoadedRun[];
/** The fixture's records carry the headline `accuracy` per sample. */
const pairings: SuitePairings = new Map(['scienceqa', 'pope'].map((s) => [s, [{ metric: 'accuracy', test: 'mcnemar', scores: ['accuracy'] }]] as const));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-compare-render-'));
  const suites = ['scienceqa', 'ocr', 'pope'];
  await writeRunFixture({ dir: path.join(tmp, 'results', 'base'), models: ['m'], suites, samplesPerSuite: 60, accuracy: { m: 0.8 } });
  await writeRunFixture({
    dir: path.join(tmp, 'results', 'cur'), models: ['m'], suites, samplesPerSuite: 60, accuracy: { m: 0.5 },
    mutate: (r) => (r.output !== undefined ? { ...r, output: `${r.output} ${HOSTILE}` } : r),
  });
  runs = await Promise.all(['base', 'cur'].map((d) => loadRun(path.join(tmp, 'results', d))));
}, 60_000);
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const cli = (args: string[]) => runCliIn(tmp, args);

describe('comparison renderings', () => {
  it('text: an aligned table with a row per benchmark and the worst flips', () => {
    const t = renderComparisonText(compareMany(runs, { pairings, iterations: 200 }));
    const lines = t.split('\n');
    expect(lines[0]).toBe('base (baseline) vs cur');
    expect(lines[2]).toMatch(/^suite\s+model\s+metric\s+baseline\s+current\s+Δ\s+paired Δ/);
    // The verdict, then the test named briefly and last (md/html carry one- and two-sided p and the full test).
    expect(lines.find((l) => l.startsWith('scienceqa '))).toMatch(/▼ worse\s+McNemar b=\d+ c=\d+$/);
    expect(lines[2]).not.toMatch(/2-sided|1-sided/);
    expect(t).toMatch(/One- and two-sided p and each test in full: --format md or html/);
    expect(t).toMatch(/▼ scienceqa-\d+: 1 → 0/);
  });

  it('md: a Markdown table whose cells cannot break out', () => {
    const md = renderComparisonMarkdown(compareMany(runs, { pairings, iterations: 200 }));
    expect(md).toContain('| suite | model | metric |');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(mdCell('a|b\n`c`<d>')).toBe('a\\|b \\`c\\`&lt;d&gt;');
    const rows = md.split('\n').filter((l) => l.startsWith('| scienceqa-'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length).toBe(9); // 7 columns, escaped pipes stay inside
  });

  it('html: comparison tables, radar overlay of both runs, escaped flips', async () => {
    const html = await renderComparisonHtml(runs, compareMany(runs, { pairings, iterations: 200 }), { published: [], png: false });
    expect(html).toContain('id="compare-0"');
    expect(html).toContain('McNemar exact b=');
    expect(html).toContain('data-chart="radar-measured"');
    expect(html).toContain('>m · baseline<');
    expect(html).toContain('>m · current<');
    // Links to the runs' own reports instead of embedding them.
    expect(html).toContain('Full reports');
    expect(html).not.toContain('id="samples"');
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;script&gt;window.__pwned');
  });
});

describe('vlmbench compare', () => {
  it('prints the text table by default', async () => {
    const r = await cli(['compare', 'results/base', 'results/cur', '--iterations', '100']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('base (baseline) vs cur');
  });

  it('writes Markdown and HTML files', async () => {
    const md = await cli(['compare', 'results/base', 'results/cur', '--format', 'md', '--out', 'c.md', '--iterations', '100']);
    expect(md.code).toBe(0);
    expect(await readFile(path.join(tmp, 'c.md'), 'utf8')).toContain('| scienceqa |');
    const html = await cli(['compare', 'results/base', 'results/cur', '--format', 'html', '--iterations', '100', '--no-published']);
    expect(html.code).toBe(0);
    expect(html.stdout.trim()).toBe(path.join(tmp, 'reports', 'compare-base-vs-cur.html'));
    expect(await readFile(html.stdout.trim(), 'utf8')).toContain('id="compare-0"');
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli(['compare', 'results/base'])).code).toBe(2);
    expect((await cli(['compare', 'results/base', 'results/cur', '--format', 'pdf'])).code).toBe(2);
    expect((await cli(['compare', 'results/base', 'results/cur', '--seed', 'x'])).code).toBe(2);
  });
});
