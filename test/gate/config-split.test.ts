import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

/**
 * The config hash is split: the evaluation part (suites, judge, seed) must match, field by field; the
 * model part (backend settings) is what a gate compares, so it is reported, never an error.
 */
describe('evaluation vs model part of the config', () => {
  it('a different model build gates normally and is reported; a different suite option is inconclusive, naming the field', async () => {
    const run = async (name: string, opts: Parameters<typeof writeEchoConfig>[1]) => {
      const dir = tempDir();
      const config = writeEchoConfig(dir, { isolate: false, ...opts });
      const r = await runCli(['run', config, '--run-id', name]);
      expect(r.code, r.stderr).toBe(0);
      return path.join(dir, 'results', name);
    };
    const a = await run('a', { count: 12, backendOptions: { token: 'build-1' } });
    const b = await run('b', { count: 12, backendOptions: { token: 'build-2' } });
    const c = await run('c', { count: 9, backendOptions: { token: 'build-1' } });
    const ma = JSON.parse(readFileSync(path.join(a, 'manifest.json'), 'utf8'));
    const mb = JSON.parse(readFileSync(path.join(b, 'manifest.json'), 'utf8'));
    expect(ma.evaluationHashes).toEqual(mb.evaluationHashes);
    expect(ma.modelHashes.slow).not.toBe(mb.modelHashes.slow);
    expect(ma.configHash).not.toBe(mb.configHash); // resume still refuses a changed model

    const ab = await runCli(['gate', '--baseline', a, '--current', b, '--out', tempDir()]);
    expect(ab.code, ab.stdout).toBe(0);
    expect(ab.stdout).toMatch(/^ok\s+slow\s+echo\s+drop exact\s+.*mcnemar p=1\.0000/m);
    expect(ab.stdout).toMatch(/model under test changed \(slow\): backend settings differ: options$/m);
    expect(ab.stdout).not.toMatch(/^ERR/m);

    const ac = await runCli(['gate', '--baseline', a, '--current', c, '--out', tempDir()]);
    expect(ac.code).toBe(2);
    expect(ac.stdout).toMatch(/^ERR\s+\*\s+echo\s+consistency\s+evaluation config field 'suites\.echo' differs/m);
  }, 60_000);
});
