import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/scoring/stats.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';
import { binaryPair, writeGateRun } from './gate-fixture.ts';

const golden = JSON.parse(readFileSync(path.join(import.meta.dirname, 'golden.json'), 'utf8'));

async function gate(base: string, cur: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const out = tempDir();
  const r = await runCli(['gate', '--baseline', base, '--current', cur, '--out', out, ...extra], env);
  const report = JSON.parse(readFileSync(path.join(out, 'gate.json'), 'utf8'));
  return { ...r, report, out };
}

describe('vlmbench gate', () => {
  it('identical runs pass (exit 0)', async () => {
    const root = tempDir();
    const { base } = binaryPair(1000, 700, 0, 0);
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: base }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'scienceqa', scores: base }]);
    const r = await gate(a, b);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.status).toBe('pass');
  });

  it('a planted 5-point drop on 1,000 items fails (exit 1); p-values equal the scipy goldens', async () => {
    const root = tempDir();
    const sqa = binaryPair(1000, 700, 60, 10);
    const tvqa = binaryPair(500, 300, 5, 6);
    const pope = binaryPair(300, 250, 12, 4);
    // OCRBench items are 0/1 (McNemar); TextVQA soft accuracy is graded (its suite declares the paired bootstrap).
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: sqa.base }, { suite: 'textvqa', scores: tvqa.base }, { suite: 'ocrbench', scores: pope.base }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'scienceqa', scores: sqa.cur }, { suite: 'textvqa', scores: tvqa.cur }, { suite: 'ocrbench', scores: pope.cur }]);
    const policy = path.join(root, 'gate.yaml');
    writeFileSync(policy, 'accuracy:\n  default: { max_drop: 1.0 }\n');
    const r = await gate(a, b, ['--policy', policy]);
    expect(r.code).toBe(1);
    const drops = r.report.checks.filter((c: { check: string }) => c.check === 'drop');
    for (const [name, gold] of [['scienceqa', 'scienceqa'], ['ocrbench', 'pope']] as const) {
      const c = drops.find((d: { benchmark: string }) => d.benchmark === name);
      expect(c.test).toBe('mcnemar');
      expect(c.p).toBeCloseTo(golden.benchmarks[gold].p, 12);
      expect(c.pAdjusted / golden.benchmarks[gold].p_holm).toBeCloseTo(1, 10);
    }
    expect(drops.find((d: { benchmark: string }) => d.benchmark === 'textvqa').test).toBe('paired_bootstrap');
    const sqaCheck = drops.find((d: { benchmark: string }) => d.benchmark === 'scienceqa');
    expect(sqaCheck.status).toBe('fail');
    expect(sqaCheck.delta).toBeCloseTo(-5, 9);
    // OCRBench drops 8 points with raw p = 0.038 < α, but Holm lifts it to 0.077: only a warning.
    expect(drops.find((d: { benchmark: string }) => d.benchmark === 'ocrbench').status).toBe('warn');
    expect(r.stdout).toMatch(/gate: REGRESSION \(exit 1\)/);
  });

  it('a 1-point drop on 50 graded items does not fail', async () => {
    const root = tempDir();
    const rand = seededRandom(7);
    const base = Array.from({ length: 50 }, () => [0, 0.3, 0.6, 1][Math.floor(rand() * 4)]!);
    const cur = base.map((v) => Math.min(1, Math.max(0, v - 0.01 + (rand() - 0.5) * 0.4)));
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'textvqa', scores: base }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'textvqa', scores: cur }]);
    const r = await gate(a, b);
    const drop = r.report.checks.find((c: { check: string }) => c.check === 'drop');
    expect(drop.test).toBe('paired_bootstrap');
    expect(drop.status).not.toBe('fail');
    expect(r.code).toBe(0);
  });

  it('a changed prompt-template hash is inconclusive (exit 2)', async () => {
    const root = tempDir();
    const { base } = binaryPair(100, 70, 0, 0);
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: base }], { templateHash: 't1' });
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'scienceqa', scores: base }], { templateHash: 't2' });
    const r = await gate(a, b);
    expect(r.code).toBe(2);
    expect(r.report.status).toBe('inconclusive');
    expect(r.stdout).toMatch(/prompt template .* differs/);
  });

  it('a missing benchmark and too many errors are inconclusive', async () => {
    const root = tempDir();
    const { base } = binaryPair(100, 70, 0, 0);
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: base }, { suite: 'ocrbench', scores: base }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'scienceqa', scores: base.slice(0, 80), errors: 20 }]);
    const r = await gate(a, b);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/'ocrbench'.*missing/);
    expect(r.stdout).toMatch(/20 of 100 samples errored/);
  });

  it('performance gates apply on the same hardware and are report-only elsewhere', async () => {
    const root = tempDir();
    const { base } = binaryPair(100, 70, 0, 0);
    const policy = path.join(root, 'gate.yaml');
    writeFileSync(policy, 'perf:\n  gates:\n    - { metric: ttft_p90, max_rel_increase: 0.10, abs_slack: 5 }\n    - { metric: output_tok_s, max_rel_decrease: 0.05 }\n');
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: base }], { perf: { ttft_p90: 100, output_tok_s: 50 } });
    const same = writeGateRun(path.join(root, 'same'), [{ suite: 'scienceqa', scores: base }], { perf: { ttft_p90: 130, output_tok_s: 49 } });
    const other = writeGateRun(path.join(root, 'other'), [{ suite: 'scienceqa', scores: base }], { perf: { ttft_p90: 130, output_tok_s: 49 }, hardwareId: 'hw2' });
    const r1 = await gate(a, same, ['--policy', policy]);
    expect(r1.code).toBe(1);
    const perf = r1.report.checks.filter((c: { check: string }) => c.check === 'perf');
    expect(perf.map((c: { status: string }) => c.status)).toEqual(['fail', 'pass']);
    const r2 = await gate(a, other, ['--policy', policy]);
    expect(r2.code).toBe(0);
    expect(r2.report.checks.filter((c: { check: string }) => c.check === 'perf').every((c: { status: string; message: string }) => c.status === 'skipped' && /hardware differs/.test(c.message))).toBe(true);
  });

  it('writes JUnit XML in the GitLab/Jenkins shape and a Markdown table to $GITHUB_STEP_SUMMARY', async () => {
    const root = tempDir();
    const sqa = binaryPair(1000, 700, 60, 10);
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: sqa.base }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'scienceqa', scores: sqa.cur }]);
    const stepSummary = path.join(root, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const r = await gate(a, b, [], { GITHUB_STEP_SUMMARY: stepSummary, GITHUB_ACTIONS: 'true' });
    const xml = readFileSync(path.join(r.out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = doc.testsuites.testsuite;
    const list = Array.isArray(suites) ? suites : [suites];
    const sqaSuite = list.find((s: { name: string }) => s.name === 'scienceqa');
    expect(Number(sqaSuite.failures)).toBe(1);
    const cases = Array.isArray(sqaSuite.testcase) ? sqaSuite.testcase : [sqaSuite.testcase];
    const failed = cases.find((c: { failure?: unknown }) => c.failure);
    expect(failed.failure.message).toMatch(/regression: Δ -5\.00/);
    expect(failed.classname).toBe('vlmbench.gate.scienceqa');
    const md = readFileSync(stepSummary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toMatch(/\| \| model \| benchmark \| check \|/);
    expect(md).toMatch(/\n\|---\|---\|/);
    expect(md).toMatch(/❌ \| m \| scienceqa \| drop img_accuracy/);
    expect(r.stdout).toMatch(/^::error title=vlmbench gate regression \(scienceqa\)::m scienceqa img_accuracy: regression/m);
  });

  it('baseline promote keeps what the gate needs and the gate accepts it', async () => {
    const root = tempDir();
    const sqa = binaryPair(200, 140, 0, 0);
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'scienceqa', scores: sqa.base }]);
    const p = await runCli(['baseline', 'promote', a, '--to', path.join(root, 'baseline')]);
    expect(p.code, p.stderr).toBe(0);
    const r = await gate(path.join(root, 'baseline'), a);
    expect(r.code).toBe(0);
    const drop = r.report.checks.find((c: { check: string }) => c.check === 'drop');
    expect(drop).toMatchObject({ test: 'mcnemar', n: 200 });
  });
});

describe('gate details', () => {
  it('cluster_by resamples whole images: the paired bootstrap interval widens when questions share images', async () => {
    const root = tempDir();
    const rand = seededRandom(3);
    // 40 images × 5 questions; whole images flip together, so items within an image are correlated.
    const base: number[] = [];
    const cur: number[] = [];
    const clusters: string[] = [];
    for (let img = 0; img < 40; img++) {
      const b = rand() < 0.7 ? 1 : 0;
      const c = rand() < 0.15 ? 1 - b : b;
      for (let q = 0; q < 5; q++) { base.push(b); cur.push(c); clusters.push(`img${img}`); }
    }
    const a = writeGateRun(path.join(root, 'a'), [{ suite: 'textvqa', scores: base, clusters }]);
    const b = writeGateRun(path.join(root, 'b'), [{ suite: 'textvqa', scores: cur, clusters }]);
    const flat = await gate(a, b);
    const policy = path.join(root, 'gate.yaml');
    writeFileSync(policy, 'accuracy:\n  benchmarks:\n    textvqa: { cluster_by: imageId }\n');
    const clustered = await gate(a, b, ['--policy', policy]);
    const width = (r: { report: { checks: Array<{ check: string; ci?: [number, number] }> } }) => {
      const c = r.report.checks.find((x) => x.check === 'drop')!;
      return c.ci![1] - c.ci![0];
    };
    const drop = clustered.report.checks.find((x: { check: string }) => x.check === 'drop');
    expect(drop.test).toBe('paired_bootstrap');
    expect(width(clustered)).toBeGreaterThan(width(flat) * 1.5);
  });

  it('keeps the Markdown summary under the step-summary limit', async () => {
    const { renderMarkdown } = await import('../../src/gate/markdown.ts');
    const checks = Array.from({ length: 5000 }, (_, i) => ({ model: 'm', benchmark: `bench-${i}`, check: 'drop' as const, status: 'pass' as const, message: 'x'.repeat(300) }));
    const md = renderMarkdown({ status: 'pass', exitCode: 0, alpha: 0.05, baseline: 'b', current: 'c', checks, modelChanges: [] }, 100_000);
    expect(Buffer.byteLength(md)).toBeLessThan(100_000);
    expect(md).toMatch(/more rows omitted/);
  });
});
