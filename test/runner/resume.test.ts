import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const comparable = (file: string) => {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  return s.results.map((r: Record<string, unknown>) => ({ ...r }));
};

describe('kill and resume', () => {
  it('SIGKILL mid-run, then --resume: one journal line per sample and the same summary as an uninterrupted run', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 40, delayMs: 40, concurrency: 2 });
    const runDir = path.join(dir, 'results', 'killed');
    const journal = path.join(runDir, 'samples.jsonl');

    const first = spawnCli(['run', config, '--run-id', 'killed']);
    await waitFor(() => lines(journal).length >= 8, 30_000);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = lines(journal).length;
    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThan(40);

    const resumed = await spawnCli(['run', '--resume', runDir]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/already done/);
    const records = lines(journal).map((l) => JSON.parse(l));
    expect(records).toHaveLength(40);
    expect(new Set(records.map((r) => r.sampleId)).size).toBe(40);

    const clean = await spawnCli(['run', config, '--run-id', 'clean']).done;
    expect(clean.code, clean.stderr).toBe(0);
    expect(comparable(path.join(runDir, 'summary.json'))).toEqual(comparable(path.join(dir, 'results', 'clean', 'summary.json')));

    // A third resume finds nothing to do and writes nothing new.
    const again = await spawnCli(['run', '--resume', runDir]).done;
    expect(again.code).toBe(0);
    expect(lines(journal)).toHaveLength(40);
  }, 120_000);

  it('refuses to resume when the config changed, unless --force', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 4 });
    const runDir = path.join(dir, 'results', 'r');
    expect((await spawnCli(['run', config, '--run-id', 'r']).done).code).toBe(0);
    writeEchoConfig(dir, { count: 6 });
    const refused = await spawnCli(['run', '--resume', runDir]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot resume: the config .* changed/);
    expect(refused.stderr).toMatch(/--force/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const forced = await spawnCli(['run', '--resume', runDir, '--force']).done;
    expect(forced.code).toBe(0);
    expect(lines(path.join(runDir, 'samples.jsonl'))).toHaveLength(6);
  }, 60_000);
});

describe('resume checks what shapes the results', () => {
  it('refuses when the dataset or a model file changed since the run started', async () => {
    const { copyFileSync, mkdirSync, writeFileSync, appendFileSync } = await import('node:fs');
    const { HELPERS } = await import('../helpers/run-config.ts');
    const dir = tempDir();
    // A private copy of the backend module, so the test can change "the model file".
    const modelFile = path.join(dir, 'model-backend.ts');
    writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}\n');
    copyFileSync(path.join(HELPERS, 'slow-backend.ts'), modelFile);
    const text = readFileSync(writeEchoConfig(dir, { count: 3, isolate: false }), 'utf8')
      .replace(/module: .*slow-backend\.ts/, `module: ${modelFile}`)
      .replace(/from '\.\.\/\.\.\//g, `from '${path.join(HELPERS, '..', '..')}/`);
    writeFileSync(path.join(dir, 'config.yaml'), text);
    writeFileSync(modelFile, readFileSync(modelFile, 'utf8').replace(/from '\.\.\/\.\.\//g, `from '${path.join(HELPERS, '..', '..')}/`));
    const runDir = path.join(dir, 'results', 'r');
    const first = await spawnCli(['run', path.join(dir, 'config.yaml'), '--run-id', 'r']).done;
    expect(first.code, first.stderr).toBe(0);

    appendFileSync(modelFile, '\n// changed weights\n');
    const model = await spawnCli(['run', '--resume', runDir]).done;
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/model files of 'slow' changed/);

    const fixtures = path.join(dir, 'fixtures');
    mkdirSync(fixtures, { recursive: true });
    writeFileSync(path.join(fixtures, 'questions.jsonl'), '{"id": 1}\n');
    const data = await spawnCli(['run', '--resume', runDir, '--force']).done;
    expect(data.code, data.stderr).toBe(0);
    writeFileSync(path.join(fixtures, 'questions.jsonl'), '{"id": 2}\n');
    const refused = await spawnCli(['run', '--resume', runDir]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/dataset of suite 'echo' changed/);
  }, 60_000);
});

describe('Ctrl-C', () => {
  it('first SIGINT stops scheduling, lets in-flight requests finish, writes results and exits 130', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 30, delayMs: 150, concurrency: 2 });
    const runDir = path.join(dir, 'results', 'int');
    const journal = path.join(runDir, 'samples.jsonl');
    const run = spawnCli(['run', config, '--run-id', 'int']);
    await waitFor(() => lines(journal).length >= 4, 30_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/finishing in-flight requests/);
    expect(r.stderr).toMatch(/resume with: vlmbench run --resume/);
    const recs = lines(journal).map((l) => JSON.parse(l));
    expect(recs.length).toBeLessThan(30);
    expect(recs.every((x) => !x.error)).toBe(true); // in-flight ones completed; nothing recorded as aborted
    expect(existsSync(path.join(runDir, 'summary.json'))).toBe(true);
    const resumed = await spawnCli(['run', '--resume', runDir]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lines(journal)).toHaveLength(30);
  }, 60_000);

  it('a second SIGINT aborts in-flight requests; they are not journaled, so resume redoes them', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 10, delayMs: 5000, concurrency: 2 });
    const runDir = path.join(dir, 'results', 'int2');
    const run = spawnCli(['run', config, '--run-id', 'int2']);
    await waitFor(() => existsSync(path.join(runDir, 'manifest.json')), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    const started = Date.now();
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(lines(path.join(runDir, 'samples.jsonl'))).toHaveLength(0);
  }, 60_000);
});

describe('resume after a crash while the result files are written', () => {
  it.each([['manifest.json', 2], ['summary.json', 1]])('a kill during the write of %s (#%i) leaves a run that resumes', async (file, nth) => {
    const { HELPERS } = await import('../helpers/run-config.ts');
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 3, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    const crashed = await spawnCli(['run', config, '--run-id', 'r'], {
      NODE_OPTIONS: `--import ${path.join(HELPERS, 'crash-on-write.mjs')}`, VLMBENCH_TEST_CRASH_ON_WRITE: `${file}:${nth}`,
    }).done;
    expect(crashed.signal).toBe('SIGKILL');
    const resumed = await spawnCli(['run', '--resume', runDir]).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')).results[0].n).toBe(3);
  }, 60_000);
});
