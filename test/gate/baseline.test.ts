import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

describe('baseline promote', () => {
  it('refuses to write the baseline over the run it is made from (that would drop its outputs)', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 2, isolate: false });
    const runDir = path.join(dir, 'results', 'r');
    expect((await runCli(['run', config, '--run-id', 'r'])).code).toBe(0);
    const r = await runCli(['baseline', 'promote', runDir, '--to', runDir]);
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8')).toMatch(/"output":"echo:item-0"/);
  }, 30_000);
});
