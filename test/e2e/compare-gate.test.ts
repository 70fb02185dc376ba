import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startJudgeStandin, type JudgeStandin } from '../helpers/judge-standin.ts';
import { REPO, tempDir } from '../helpers/run-config.ts';
import { loadSuite } from '../../src/runner/suites.ts';
import { loadItems, oracle, quickstartSuites, plantedJudge, writePlantedConfig, type PlantedModel } from './planted.ts';

/**
 * What a user does after changing a model: run A, run B, `vlmbench compare A B`, `vlmbench gate`. The runs
 * use the quickstart config's suites (shipped options and limits) with two table-answering models, so the
 * outcomes are planted exactly: in A both models give every suite's reference answers (the radar suites
 * too, so each has a defined headline: POPE's F1 is n/a when a model never says "yes"); in B, model tiny-a
 * gets 5 of its 8 ScienceQA image questions wrong (none the other way), every TextVQA question wrong and
 * every LLaVA-Bench answer judged 2/10 instead of 10/10; tiny-b answers as in A. In C, tiny-a drops one TextVQA question and one LLaVA-Bench point per category.
 */
type SqaDoc = { answer: number; choices: string[]; image?: string };
type OcrDoc = { answers: string[] };

let dir: string;
let judge: JudgeStandin;
const runs: Record<string, string> = {};
const flipped: Array<{ id: string; right: string; wrong: string }> = [];
/** Quality suites of the quickstart: the benchmarks each model's gate tests as one Holm family. */
let qualitySuites = 0;

async function run(name: string, models: PlantedModel[], extra: string[] = []): Promise<string> {
  const config = writePlantedConfig(dir, name, { models, suites: quickstartSuites(), judgeUrl: judge.url });
  const r = await runCli(['run', config, '--run-id', name, ...extra]);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  return path.join(dir, 'results', name);
}

beforeAll(async () => {
  dir = tempDir('vlmbench-compare-gate-');
  judge = await startJudgeStandin(plantedJudge);
  const suites = quickstartSuites();
  const sqa = await loadItems<SqaDoc>(suites.find((s) => s.name === 'scienceqa')!);
  const ocr = await loadItems<OcrDoc>(suites.find((s) => s.name === 'ocr')!);
  const bench = (await Promise.all(['conversation', 'detail', 'reasoning'].map((n) => loadItems(suites.find((s) => s.name === n)!)))).flat();
  const letter = (i: number) => 'ABCDE'[i]!;
  const all = (await Promise.all(suites.map((s) => loadItems(s)))).flat();
  for (const s of suites) if ((await loadSuite(s.name, 'test')).kind === 'quality') qualitySuites++;
  const good: Record<string, string> = { ...Object.fromEntries(all.map((x) => [x.id, oracle(x.doc)])), ...Object.fromEntries(sqa.map((x) => [x.id, letter(x.doc.answer)])), ...Object.fromEntries(ocr.map((x) => [x.id, x.doc.answers[0]!])), ...Object.fromEntries(bench.map((x) => [x.id, 'GOOD answer'])) };
  const image = sqa.filter((x) => x.doc.image !== undefined);
  expect(image.length).toBe(8);
  for (const x of image.slice(0, 5)) flipped.push({ id: x.id, right: letter(x.doc.answer), wrong: letter((x.doc.answer + 1) % x.doc.choices.length) });
  const worse = { ...good, ...Object.fromEntries(flipped.map((f) => [f.id, f.wrong])), ...Object.fromEntries(ocr.map((x) => [x.id, 'zzz'])), ...Object.fromEntries(bench.map((x) => [x.id, 'BAD answer'])) };
  // bench lists 3 items per category: the first of each drops one judge point.
  const slightly = { ...good, [ocr[0]!.id]: 'zzz', ...Object.fromEntries([0, 3, 6].map((i) => [bench[i]!.id, 'MEH answer'])) };
  runs.A = await run('A', [{ id: 'tiny-a', table: good, build: 'A' }, { id: 'tiny-b', table: good, build: 'A' }]);
  runs.B = await run('B', [{ id: 'tiny-a', table: worse, build: 'B' }, { id: 'tiny-b', table: good, build: 'B' }]);
  runs.C = await run('C', [{ id: 'tiny-a', table: slightly, build: 'C' }, { id: 'tiny-b', table: good, build: 'C' }]);
}, 180_000);
afterAll(async () => { await judge?.close(); });

/** Markdown table rows of `vlmbench compare --format md` as objects keyed by column header. */
function mdRows(md: string): Array<Record<string, string>> {
  const lines = md.split('\n').filter((l) => l.startsWith('| '));
  const split = (l: string) => l.slice(2, -2).split(/(?<!\\) \| /).map((c) => c.replace(/\\(.)/g, '$1'));
  const head = split(lines[0]!);
  return lines.slice(1).filter((l) => !l.startsWith('| sample ')).map(split).filter((c) => c.length === head.length).map((c) => Object.fromEntries(head.map((h, i) => [h, c[i]!])));
}

const gate = async (base: string, cur: string, policy = path.join(REPO, 'configs', 'gate.yaml')) =>
  runCli(['gate', '--baseline', base, '--current', cur, '--policy', policy, '--out', tempDir()]);

describe('compare and gate on the shipped suites, end to end', () => {
  it('ScienceQA: 5 right→wrong flips of 8 image items → n 8, exact McNemar p 0.0313 one-sided / 0.0625 two-sided, flipped ids with both answers', async () => {
    const text = await runCli(['compare', runs.A!, runs.B!]);
    expect(text.code, text.stderr).toBe(0);
    const md = await runCli(['compare', runs.A!, runs.B!, '--format', 'md']);
    const row = mdRows(md.stdout).find((r) => r.suite === 'scienceqa' && r.model === 'tiny-a')!;
    expect(row).toMatchObject({ metric: 'img_accuracy', n: '8', test: 'McNemar exact b=5 c=0', 'p (2-sided)': '0.0625', 'p (1-sided, worse)': '0.0313', 'flips −/+': '5/0' });
    expect(row.Δ).toBe('-62.50');
    expect(row['paired Δ [95% CI]']).toMatch(/^-62\.5 pp/);
    // The terminal shows the first three flips with both answers; the Markdown flip table lists all five.
    expect(text.stdout).toMatch(/scienceqa \(tiny-a\): 5 worse, 0 better/);
    for (const f of flipped.slice(0, 3)) expect(text.stdout).toContain(`▼ ${f.id}: 1 → 0  "${f.right}" → "${f.wrong}"`);
    for (const f of flipped) expect(md.stdout).toMatch(new RegExp(`^\\| ${f.id} \\| 1 \\| 0 \\| .* \\| ${f.right} \\| ${f.wrong} \\| `, 'm'));
    // The unchanged model's ScienceQA is paired too and did not move.
    expect(mdRows(md.stdout).find((r) => r.suite === 'scienceqa' && r.model === 'tiny-b')).toMatchObject({ n: '8', 'flips −/+': '0/0' });
  });

  it('gate A → B exits 1 naming model, suite, metric, Δ and p; the model build differs and is reported, not an error', async () => {
    const r = await gate(runs.A!, runs.B!);
    expect(r.code, r.stdout).toBe(1);
    const fail = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fail.some((l) => /tiny-a\s+ocr\s+drop textvqa_accuracy\s+regression: Δ -\d/.test(l)), fail.join('\n')).toBe(true);
    for (const s of ['conversation', 'detail', 'reasoning']) expect(fail.some((l) => new RegExp(`tiny-a\\s+${s}\\s+drop relative\\s+regression: Δ -80\\.00 .*paired_bootstrap_ratio p=`).test(l))).toBe(true);
    expect(fail.every((l) => l.includes('tiny-a'))).toBe(true);
    // Holm runs across every quality benchmark of the model: after the four tiny p-values above, ScienceQA's
    // exact p 0.03125 is multiplied by the benchmarks left, so 5 flips of 8 are not significant on the
    // shipped policy (which gates all of them) and the line says so with both p-values.
    const holm = (0.03125 * (qualitySuites - 4)).toFixed(4);
    expect(r.stdout).toMatch(new RegExp(`^warn\\s+tiny-a\\s+scienceqa\\s+drop img_accuracy\\s+not significant: Δ -62\\.50 .*mcnemar p=0\\.0313 Holm p=${holm}, b=5 c=0`, 'm'));
    expect(r.stdout).not.toMatch(/^ERR/m);
    expect(r.stdout).toMatch(/model under test changed \(tiny-a\): .*backend settings differ/);
  });

  it('gate on ScienceQA alone (the others report only): 5 flips of 8 fail it, naming model, suite, metric, Δ, p and b/c', async () => {
    const policy = path.join(dir, 'gate-sqa.yaml');
    const shipped = readFileSync(path.join(REPO, 'configs', 'gate.yaml'), 'utf8');
    const sqaOnly = shipped.replace('test: auto }', 'test: auto, report_only: true }').replace('  benchmarks:\n', '  benchmarks:\n    scienceqa: { report_only: false }\n');
    expect(sqaOnly).not.toBe(shipped);
    writeFileSync(policy, sqaOnly);
    const r = await gate(runs.A!, runs.B!, policy);
    expect(r.code, r.stdout).toBe(1);
    const fail = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fail, r.stdout).toHaveLength(1);
    expect(fail[0]).toMatch(/^FAIL\s+tiny-a\s+scienceqa\s+drop img_accuracy\s+regression: Δ -62\.50 .*mcnemar p=0\.0313 Holm p=0\.0313, b=5 c=0/);
    expect(r.stdout).toMatch(/^warn\s+tiny-a\s+ocr\s+drop textvqa_accuracy\s+report only: Δ -100/m);
  });

  it('TextVQA (graded) and LLaVA-Bench (ratio of means) are tested with their declared paired bootstrap', async () => {
    const md = mdRows((await runCli(['compare', runs.A!, runs.B!, '--format', 'md'])).stdout);
    const ocr = md.find((r) => r.suite === 'ocr' && r.model === 'tiny-a')!;
    expect(ocr).toMatchObject({ n: '8', test: 'paired bootstrap (mean, by cluster)', verdict: '▼ worse' });
    const conv = md.find((r) => r.suite === 'conversation' && r.model === 'tiny-a')!;
    expect(conv).toMatchObject({ n: '3', test: 'paired bootstrap (ratio judge_model/judge_ref, by image)', Δ: '-80.00' });
  });

  it('drops below max_drop pass (exit 0)', async () => {
    // TextVQA loses one of 8 questions (at most 12.5 points): under a 20-point max_drop; LLaVA-Bench loses
    // one point of 30 per category (relative 100 → 96.7, one decimal as LLaVA summarize_gpt_review.py
    // prints it, so Δ -3.30): under its shipped 5-point max_drop.
    const policy = path.join(dir, 'gate-ocr20.yaml');
    writeFileSync(policy, readFileSync(path.join(REPO, 'configs', 'gate.yaml'), 'utf8').replace('  benchmarks:\n', '  benchmarks:\n    ocr: { max_drop: 20 }\n'));
    const r = await gate(runs.A!, runs.C!, policy);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/tiny-a\s+ocr\s+drop textvqa_accuracy\s+.*Δ -\d/);
    expect(r.stdout).toMatch(/tiny-a\s+conversation\s+drop relative\s+.*Δ -3\.30 /);
  });

  it('a run compared with itself: every pairable row has n > 0 and Δ 0, and the gate passes', async () => {
    const md = mdRows((await runCli(['compare', runs.A!, runs.A!, '--format', 'md'])).stdout);
    expect(md.length).toBe(quickstartSuites().length * 2); // every quickstart suite × 2 models
    for (const r of md) {
      expect(Number(r.n), `${r.suite} ${r.model}`).toBeGreaterThan(0);
      expect(r['paired Δ [95% CI]'], `${r.suite} ${r.model}`).toMatch(/^0\.0 /);
      expect(r.verdict).toBe('= same');
    }
    const g = await gate(runs.A!, runs.A!);
    expect(g.code, g.stdout).toBe(0);
    // Same machine: the latency gate also runs the suite's declared distribution test on per-request TTFT.
    expect(g.stdout).toMatch(/^ok\s+tiny-a\s+latency\s+perf ttft_p90\s+ttft_p90 .* within .*; distribution test \(ttft_ms, [1-9]\d* vs [1-9]\d* requests\) p=/m);
  });

  it('compare HTML shows deltas and flips side by side and links the full reports instead of embedding them', async () => {
    const out = path.join(dir, 'compare.html');
    const r = await runCli(['compare', runs.A!, runs.B!, '--format', 'html', '--out', out, '--no-published']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('baseline answer');
    expect(html).toContain('current answer');
    for (const f of flipped) expect(html).toMatch(new RegExp(`<td>${f.id}</td>`));
    expect(html).toContain('>tiny-a · baseline<');
    expect(html).toContain('>tiny-a · current<');
    expect(html).toContain('Full reports');
    expect(html).not.toContain('id="samples"');
    expect(statSync(out).size).toBeLessThan(600_000);
  });

  it('a different evaluation (suite limit) is inconclusive (exit 2), naming the field', async () => {
    const d = await run('D', [{ id: 'tiny-a', table: {}, build: 'A' }, { id: 'tiny-b', table: {}, build: 'A' }], ['--suites', 'scienceqa', '--limit', '7']);
    const r = await gate(runs.A!, d);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ERR .*evaluation config field 'suites\.scienceqa' differs/m);
    // compare still shows the table, and says on stderr why its deltas are not comparable.
    const c = await runCli(['compare', runs.A!, d]);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/^caution: evaluation config field 'suites\.scienceqa' differs between baseline and current: results are not comparable .*gate calls this INCONCLUSIVE/m);
    expect((await runCli(['compare', runs.A!, runs.A!])).stderr).not.toMatch(/caution/);
  });

  it("POPE's F1 n/a (no \"yes\" answer, eval_pope.py divides by zero): skipped when n/a in both runs, inconclusive when only now", async () => {
    const pope = await loadItems(quickstartSuites().find((s) => s.name === 'pope')!);
    const says = (word: string) => Object.fromEntries(pope.map((x) => [x.id, word]));
    const right = Object.fromEntries(pope.map((x) => [x.id, oracle(x.doc)]));
    const only = ['--suites', 'pope'];
    const e = await run('E', [{ id: 'tiny-a', table: says('No'), build: 'E' }, { id: 'tiny-b', table: right, build: 'E' }], only);
    const f = await run('F', [{ id: 'tiny-a', table: says('No'), build: 'F' }, { id: 'tiny-b', table: right, build: 'F' }], only);
    const g = await run('G', [{ id: 'tiny-a', table: right, build: 'G' }, { id: 'tiny-b', table: right, build: 'G' }], only);
    const ef = await gate(e, f);
    expect(ef.code, ef.stdout).toBe(0);
    expect(ef.stdout).toMatch(/^skip\s+tiny-a\s+pope\s+drop f1\s+f1 is n\/a in both runs: no drop to test/m);
    expect(ef.stdout).toMatch(/^ok\s+tiny-b\s+pope\s+drop f1\s+Δ \+0\.0000/m);
    const ge = await gate(g, e);
    expect(ge.code, ge.stdout).toBe(2);
    expect(ge.stdout).toMatch(/^ERR\s+tiny-a\s+pope\s+consistency f1\s+f1 of 'pope' is n\/a in the current run \(baseline 100\.0\)/m);
    expect(ge.stdout).not.toMatch(/^ERR\s+tiny-b/m);
  });

  it('a policy metric no suite produces is rejected (exit 2), naming it and listing real ones', async () => {
    const policy = path.join(dir, 'gate-bad.yaml');
    writeFileSync(policy, 'perf:\n  gates:\n    - { metric: output_tokens_per_s, max_rel_decrease: 0.05 }\n');
    const r = await gate(runs.A!, runs.B!, policy);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/output_tokens_per_s/);
    expect(r.stderr).toMatch(/perf\.gates\[0\]\.metric/);
    expect(r.stderr).toMatch(/real metrics: .*img_accuracy.*peak_output_throughput/);
  });
});
