import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const readJournal = (runDir: string) => readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('local backends run in a child process', () => {
  it('a backend that segfaults on one sample fails only that sample; the rest complete', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 8, concurrency: 1, backendOptions: { crashOn: 'item-3' } });
    const r = await runCli(['run', config, '--run-id', 'crash']);
    expect(r.code).toBe(1); // a failed sample makes the run exit 1
    const records = readJournal(path.join(dir, 'results', 'crash'));
    expect(records).toHaveLength(8);
    const crashed = records.find((x) => x.sampleId === 'item-3');
    expect(crashed.error.code).toBe('E_CRASH');
    expect(crashed.error.message).toMatch(/model 'slow'.*slow-backend\.ts.*died with signal SIGSEGV/);
    const others = records.filter((x) => x.sampleId !== 'item-3');
    expect(others.every((x) => !x.error && x.output === `echo:${x.sampleId}`)).toBe(true);
    // The samples after the crash were served by a fresh child process.
    expect(r.stdout).toMatch(/slow\s+echo\s+exact\s+\d+\.\d %[^\n]*\s8\s+1/); // one-decimal percent, n 8, 1 error
  }, 60_000);

  it('retryable errors are retried by the scheduler and then succeed', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 3, isolate: false, backendOptions: { flakyOn: 'item-1', flakyTimes: 2 } });
    const r = await runCli(['run', config, '--run-id', 'flaky']);
    expect(r.code, r.stderr).toBe(0);
    const rec = readJournal(path.join(dir, 'results', 'flaky')).find((x) => x.sampleId === 'item-1');
    expect(rec.output).toBe('echo:item-1');
  }, 30_000);

  it('a secret given through ${VAR} appears in no file under results/', async () => {
    const dir = tempDir();
    const secret = 'sk-test-7f3a9c1e5b2d4a6f';
    const config = writeEchoConfig(dir, { count: 2, backendOptions: { token: '${VLMBENCH_TEST_SECRET}' } });
    const r = await runCli(['run', config, '--run-id', 's'], { VLMBENCH_TEST_SECRET: secret });
    expect(r.code, r.stderr).toBe(0);
    const files: string[] = [];
    const walk = (d: string) => { for (const f of readdirSync(d)) { const p = path.join(d, f); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
    walk(path.join(dir, 'results'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(secret);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'results', 's', 'manifest.json'), 'utf8'));
    expect(manifest.config.models[0].backend.options.token).toBe('[redacted]');
  }, 30_000);
});
