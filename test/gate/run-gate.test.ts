import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';
import { writeGateRun } from './gate-fixture.ts';

describe('runGate output folder', () => {
  it('defaults to the folder of --current when --current is a summary.json', async () => {
    const root = tempDir();
    const scores = Array.from({ length: 20 }, (_, i) => (i % 2 ? 1 : 0));
    const base = writeGateRun(path.join(root, 'base'), [{ suite: 'scienceqa', scores }]);
    const cur = writeGateRun(path.join(root, 'cur'), [{ suite: 'scienceqa', scores }]);
    const r = await runCli(['gate', '--baseline', base, '--current', path.join(cur, 'summary.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(cur, 'gate.json'))).toBe(true);
  });
});
