import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { HELPERS, tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const ECHO = path.join(HELPERS, 'echo-suite.ts');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** The echo config with its one suite replaced by `suites` (YAML list items). */
function withSuites(dir: string, suites: string, opts: Parameters<typeof writeEchoConfig>[1] = {}): string {
  const file = writeEchoConfig(dir, { isolate: false, ...opts });
  const text = readFileSync(file, 'utf8').replace(/suites:\n(?:  .*\n)+/, `suites:\n${suites}`);
  writeFileSync(file, text);
  return file;
}

describe('runBenchmark: a suite whose load throws', () => {
  it('fails that suite only: the other suites run and summary.json names the failure', async () => {
    const dir = tempDir();
    const config = withSuites(dir, [
      `  - { name: ${ECHO}, id: broken, options: { failLoad: "index.json is unreadable" } }`,
      `  - { name: ${ECHO}, id: fine, options: { count: 3 } }`,
      '',
    ].join('\n'));
    const r = await runCli(['run', config, '--run-id', 'load']);
    expect(r.code, r.stderr).toBe(1);
    const summary = readJson(path.join(dir, 'results', 'load', 'summary.json'));
    const broken = summary.results.find((x: { suite: string }) => x.suite === 'broken');
    expect(broken.notes.join(' ')).toMatch(/index\.json is unreadable/);
    expect(summary.results.find((x: { suite: string }) => x.suite === 'fine').n).toBe(3);
  }, 30_000);

  it('refuses a suite that yields one sample id twice, naming the suite and the id (no sample is silently lost)', async () => {
    const dir = tempDir();
    const config = withSuites(dir, [
      `  - { name: ${ECHO}, id: repeats, options: { count: 5, idModulo: 3 } }`,
      `  - { name: ${ECHO}, id: fine, options: { count: 3 } }`,
      '',
    ].join('\n'));
    const r = await runCli(['run', config, '--run-id', 'dup']);
    expect(r.code, r.stderr).toBe(1);
    const summary = readJson(path.join(dir, 'results', 'dup', 'summary.json'));
    const bad = summary.results.find((x: { suite: string }) => x.suite === 'repeats');
    expect(bad.notes.join(' ')).toMatch(/suite 'repeats' yields sample id 'item-0' more than once/);
    const journal = readFileSync(path.join(dir, 'results', 'dup', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal.filter((x: { suite: string }) => x.suite === 'repeats')).toEqual([]);
    expect(summary.results.find((x: { suite: string }) => x.suite === 'fine').n).toBe(3);
  }, 30_000);

  it('records the image decoding setting in the manifest (EXIF rotation off by default, as upstream)', async () => {
    const dir = tempDir();
    const off = await runCli(['run', withSuites(dir, `  - { name: ${ECHO}, options: { count: 1 } }\n`), '--run-id', 'off']);
    expect(off.code, off.stderr).toBe(0);
    expect(readJson(path.join(dir, 'results', 'off', 'manifest.json')).config.image).toEqual({ exifRotate: false });
    const on = await runCli(['run', withSuites(dir, `  - { name: ${ECHO}, options: { count: 1 } }\n`, { extra: 'image: { exifRotate: true }\n' }), '--run-id', 'on']);
    expect(on.code, on.stderr).toBe(0);
    expect(readJson(path.join(dir, 'results', 'on', 'manifest.json')).config.image).toEqual({ exifRotate: true });
  }, 30_000);

  it('an empty dataset is not a failure', async () => {
    const dir = tempDir();
    const config = withSuites(dir, `  - { name: ${ECHO}, options: { count: 0 } }\n`);
    const r = await runCli(['run', config, '--run-id', 'empty']);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(path.join(dir, 'results', 'empty', 'summary.json')).results[0].n).toBe(0);
  }, 30_000);

  it('a suite left with no samples (tag, shard) is not a failure, though its summary carries notes', async () => {
    const dir = tempDir();
    const config = withSuites(dir, '  - { name: scienceqa, dataset: builtin, tag: no-such-tag }\n');
    const r = await runCli(['run', config, '--run-id', 'none']);
    const result = readJson(path.join(dir, 'results', 'none', 'summary.json')).results[0];
    expect(result.n).toBe(0);
    expect(result.notes.length).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
});

describe('runBenchmark: limit with a tag', () => {
  it('takes the first N of the tagged samples, not the tagged ones among the first N', async () => {
    const dir = tempDir();
    const all = withSuites(dir, '  - { name: scienceqa, dataset: builtin, tag: regression }\n');
    expect((await runCli(['run', all, '--run-id', 'all'])).code).toBe(0);
    const tagged = readJson(path.join(dir, 'results', 'all', 'summary.json')).results[0].n as number;
    expect(tagged).toBeGreaterThanOrEqual(3);
    const limited = withSuites(dir, '  - { name: scienceqa, dataset: builtin, tag: regression, limit: 3 }\n');
    const r = await runCli(['run', limited, '--run-id', 'lim']);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(path.join(dir, 'results', 'lim', 'summary.json')).results[0].n).toBe(3);
  }, 120_000);

  it('the regression subset of ScienceQA and OCRBench (gated by configs/gpu-ci.yaml) is a real, non-empty part of each set', async () => {
    const dir = tempDir();
    // (TextVQA is gated too, but its subset is a fifth of the images: none of the built-in set's few images falls in it.)
    const suites = ['scienceqa', 'ocrbench'];
    const list = (tag: string) => suites.map((s) => `  - { name: ${s}, dataset: builtin${tag} }\n`).join('');
    expect((await runCli(['run', withSuites(dir, list('')), '--run-id', 'full'])).code).toBe(0);
    expect((await runCli(['run', withSuites(dir, list(', tag: regression')), '--run-id', 'reg'])).code).toBe(0);
    const n = (run: string) => Object.fromEntries(readJson(path.join(dir, 'results', run, 'summary.json')).results.map((r: { suite: string; n: number }) => [r.suite, r.n]));
    const [full, reg] = [n('full'), n('reg')];
    for (const s of suites) {
      expect(reg[s], s).toBeGreaterThan(0);
      expect(reg[s], s).toBeLessThan(full[s]);
    }
  }, 120_000);
});

describe('runBenchmark: limit on MMBench counts whole CircularEval questions', () => {
  it('keeps every rotation of the first N questions (a partial question would count as right in every rotation)', async () => {
    const dir = tempDir();
    const journal = (run: string) => readFileSync(path.join(dir, 'results', run, 'samples.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { suite: string; sampleId: string }).filter((r) => r.suite === 'mmbench');
    const groups = (rows: Array<{ sampleId: string }>) => {
      const m = new Map<number, number>();
      for (const r of rows) { const g = Number(/(\d+)$/.exec(r.sampleId)![1]) % 1_000_000; m.set(g, (m.get(g) ?? 0) + 1); }
      return m;
    };
    expect((await runCli(['run', withSuites(dir, '  - { name: mmbench, dataset: builtin }\n'), '--run-id', 'all'])).code).toBe(0);
    const full = groups(journal('all'));
    expect([...full.values()].some((n) => n > 1)).toBe(true);
    for (const [run, args] of [['lim', ['--limit', '2']], ['cfg', []]] as const) {
      const config = withSuites(dir, `  - { name: mmbench, dataset: builtin${run === 'cfg' ? ', limit: 2' : ''} }\n`);
      expect((await runCli(['run', config, '--run-id', run, ...args])).code).toBe(0);
      const limited = groups(journal(run));
      expect(limited.size, run).toBe(2);
      for (const [g, n] of limited) expect(n, `${run}: question ${g}`).toBe(full.get(g));
      expect(readJson(path.join(dir, 'results', run, 'summary.json')).results[0].notes.join(' ')).toMatch(/CircularEval \d+\/2 question/);
    }
  }, 120_000);
});

describe('runBenchmark: a model that fails to load on resume', () => {
  it('exits 1 even though the journal already holds some of its samples', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 4, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    expect((await runCli(['run', config, '--run-id', 'r', '--limit', '2'])).code).toBe(0);
    // Drop one finished sample so the resume has work left, then make the backend module unloadable.
    const journal = path.join(runDir, 'samples.jsonl');
    writeFileSync(journal, `${readFileSync(journal, 'utf8').split('\n')[0]}\n`);
    // (A module path that does not exist is an input error caught before the run; this one exists but cannot load.)
    writeFileSync(path.join(dir, 'broken-backend.ts'), "throw new Error('this backend module cannot load');\n");
    const broken = readFileSync(config, 'utf8').replace(/module: .*/, `module: ${path.join(dir, 'broken-backend.ts')}`);
    writeFileSync(config, broken);
    const r = await runCli(['run', '--resume', runDir, '--force']);
    expect(r.stdout).toMatch(/could not be loaded/);
    expect(r.code).toBe(1);
  }, 30_000);
});

describe('runBenchmark: a judge that cannot be set up', () => {
  it('fails the run without leaving the journal open', async () => {
    const { readdirSync, readlinkSync } = await import('node:fs');
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 1, isolate: false, extra: `judge: { provider: openai, endpoint: "http://127.0.0.1:9/v1", model: judge, rules: ${path.join(dir, 'no-rules.json')} }\n` });
    // The judge is set up only when a judged suite runs: add one.
    writeFileSync(config, readFileSync(config, 'utf8').replace('suites:\n', 'suites:\n  - { name: conversation, limit: 1 }\n'));
    const r = await runCli(['run', config, '--run-id', 'j']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no-rules.json');
    const open = readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });
    expect(open.filter((f) => f.startsWith(dir))).toEqual([]);
  }, 30_000);
});
