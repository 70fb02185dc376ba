import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

describe('configHash', () => {
  it('does not depend on the value of a ${VAR} secret: a rotated API key still resumes', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, isolate: false, backendOptions: { token: '${VLMBENCH_TEST_SECRET}' } });
    expect((await runCli(['run', config, '--run-id', 'r'], { VLMBENCH_TEST_SECRET: 'sk-old' })).code).toBe(0);
    const r = await runCli(['run', '--resume', path.join(dir, 'results', 'r')], { VLMBENCH_TEST_SECRET: 'sk-rotated' });
    expect(r.stderr).not.toMatch(/cannot resume/);
    expect(r.code).toBe(0);
  }, 30_000);
});

describe('manifest.json of a resumed run', () => {
  it('keeps the first createdAt and records resumedAt', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    expect((await runCli(['run', config, '--run-id', 'r'])).code).toBe(0);
    const first = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    await new Promise((r) => setTimeout(r, 20));
    expect((await runCli(['run', '--resume', runDir])).code).toBe(0);
    const resumed = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    expect(resumed.createdAt).toBe(first.createdAt);
    expect(resumed.resumedAt).toEqual(expect.any(String));
  }, 30_000);
});

describe('resumeDifferences', () => {
  it('refuses to resume a shard run as another shard (its journal would hold two shards)', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 6, isolate: false });
    expect((await runCli(['run', config, '--run-id', 'p', '--shard', '0/2'])).code).toBe(0);
    const r = await runCli(['run', '--resume', path.join(dir, 'results', 'p-shard0of2'), '--shard', '1/2']);
    expect(r.stderr).toMatch(/cannot resume: .*shard/);
    expect(r.code).toBe(2);
  }, 30_000);
});
