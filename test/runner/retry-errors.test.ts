import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSamples } from '../../src/results/files.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

describe('run --resume --retry-errors', () => {
  it('redoes the samples that ended in an error; readers keep the last record per key', async () => {
    const dir = tempDir();
    const down = path.join(dir, 'server-down');
    writeFileSync(down, '');
    const config = writeEchoConfig(dir, { count: 4, isolate: false, backendOptions: { failWhileFile: down } });
    const runDir = path.join(dir, 'results', 'r');
    const first = await runCli(['run', config, '--run-id', 'r']);
    expect(first.code).toBe(1);
    expect((await readSamples(runDir)).filter((r) => r.error)).toHaveLength(4);

    rmSync(down); // the endpoint is fixed
    const plain = await runCli(['run', '--resume', runDir]);
    expect(plain.code).toBe(1);
    expect((await readSamples(runDir)).filter((r) => r.error)).toHaveLength(4);

    const retried = await runCli(['run', '--resume', runDir, '--retry-errors']);
    expect(retried.code, retried.stderr).toBe(0);
    const records = await readSamples(runDir);
    expect(records).toHaveLength(4);
    expect(records.every((r) => !r.error && r.output === `echo:${r.sampleId}`)).toBe(true);
    // Appended, not rewritten: the old error lines stay in the file, superseded.
    expect(readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    expect(summary.results[0]).toMatchObject({ n: 4, errors: 0 });
  }, 30_000);

  it('needs --resume', async () => {
    const dir = tempDir();
    const r = await runCli(['run', writeEchoConfig(dir, { count: 1, isolate: false }), '--retry-errors']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--retry-errors needs --resume/);
  });
});
