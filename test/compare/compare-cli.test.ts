import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn } from '../helpers/cli.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-compare-cli-'));
  await writeRunFixture({ dir: path.join(tmp, 'base'), models: ['m'], suites: ['pope', 'ocr'], samplesPerSuite: 60, accuracy: { m: 0.9 } });
  await writeRunFixture({ dir: path.join(tmp, 'worse'), models: ['m'], suites: ['pope', 'ocr'], samplesPerSuite: 60, accuracy: { m: 0.3 } });
  await writeRunFixture({ dir: path.join(tmp, 'two'), models: ['a', 'b'], suites: ['pope'], samplesPerSuite: 20, accuracy: { a: 0.5, b: 0.5 } });
}, 60_000);
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('vlmbench compare options', () => {
  it('--iterations 0 is a usage error (zero resamples would make every graded test p = 1, "same")', async () => {
    const r = await runCliIn(tmp, ['compare', 'base', 'worse', '--iterations', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--iterations/);
    expect(r.stderr).toMatch(/positive/);
  });

  it('--iterations 1 is accepted', async () => {
    const r = await runCliIn(tmp, ['compare', 'base', 'worse', '--iterations', '1', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| pope |');
  });

  it('runs with no model in common (and different model counts) are an input error naming both, not an empty table', async () => {
    const r = await runCliIn(tmp, ['compare', 'base', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no model/);
    expect(r.stderr).toContain('m');
    expect(r.stderr).toMatch(/a, b/);
  });
});
