import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

describe('a custom suite named by its module path', () => {
  it('goes by the name its module declares (echo), not the file name (echo-suite), also for --suites', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, isolate: false });
    const r = await runCli(['run', config, '--run-id', 'r', '--suites', 'echo']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'summary.json'), 'utf8'));
    expect(summary.results.map((x: { suite: string }) => x.suite)).toEqual(['echo']);
    const rec = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'samples.jsonl'), 'utf8').split('\n')[0]!);
    expect(rec.suite).toBe('echo');
    const wrong = await runCli(['run', config, '--run-id', 'r2', '--suites', 'echo-suite']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/available: echo/);
  }, 30_000);
});
