import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_LOCK_FILE } from '../../src/runner/lock.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('run folder lock', () => {
  it('a second run of a folder in use exits 2 naming the holder; the first finishes with one line per sample', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 12, delayMs: 100, concurrency: 1, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    const first = spawnCli(['run', config, '--run-id', 'r']);
    await waitFor(() => lines(path.join(runDir, 'samples.jsonl')).length >= 2, 30_000);
    const holder = JSON.parse(readFileSync(path.join(runDir, RUN_LOCK_FILE), 'utf8'));
    expect(holder).toMatchObject({ pid: first.child.pid, host: os.hostname() });

    const second = await runCli(['run', '--resume', runDir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`in use by another vlmbench run \\(pid ${first.child.pid}`));
    expect(second.stderr).not.toMatch(/\n\s+at /);

    expect((await first.done).code).toBe(0);
    const keys = lines(path.join(runDir, 'samples.jsonl')).map((l) => JSON.parse(l).key);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(existsSync(path.join(runDir, RUN_LOCK_FILE))).toBe(false);
  }, 60_000);

  it('a lock left by a process that is gone is stale: the resume takes it over', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 3, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    expect((await runCli(['run', config, '--run-id', 'r'])).code).toBe(0);
    // A pid above the kernel's pid_max cannot be alive.
    writeFileSync(path.join(runDir, RUN_LOCK_FILE), JSON.stringify({ pid: 4_194_304 + 7, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    const resumed = await runCli(['run', '--resume', runDir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(path.join(runDir, RUN_LOCK_FILE))).toBe(false);
  }, 30_000);

  it('a lock from another host is honoured', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(runDir, RUN_LOCK_FILE), JSON.stringify({ pid: 1234, host: 'elsewhere.example', startedAt: 'x' }));
    const r = await runCli(['run', config, '--run-id', 'r']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/in use by pid 1234 on host elsewhere\.example/);
    expect(r.stderr).toMatch(/delete .*run\.lock/);
  }, 30_000);
});

describe('fresh run into a folder that holds a run', () => {
  it('is refused without --resume (same --run-id, changed config), and nothing is rewritten', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 3, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    expect((await runCli(['run', config, '--run-id', 'r'])).code).toBe(0);
    const manifest = readFileSync(path.join(runDir, 'manifest.json'), 'utf8');
    const samples = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8');
    writeEchoConfig(dir, { count: 5, isolate: false });
    const again = await runCli(['run', config, '--run-id', 'r']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run/);
    expect(again.stderr).toMatch(/vlmbench run --resume /);
    expect(again.stderr).not.toMatch(/already done/);
    expect(readFileSync(path.join(runDir, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8')).toBe(samples);
    // The same folder named by run.id in the config is refused the same way.
    writeFileSync(config, readFileSync(config, 'utf8').replace('run:\n', 'run:\n  id: r\n'));
    const byId = await runCli(['run', config]);
    expect(byId.code).toBe(2);
    expect(byId.stderr).toMatch(/already holds a run/);
  }, 30_000);
});
