import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn } from '../helpers/cli.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-report-cli-'));
  await writeRunFixture({ dir: path.join(tmp, 'results', 'run-a'), models: ['m1', 'm2'], suites: ['scienceqa', 'ocr', 'pope'], samplesPerSuite: 10 });
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const cli = (args: string[]) => runCliIn(tmp, args);

describe('vlmbench report', () => {
  it('writes the report where --out says and prints its path', async () => {
    const r = await cli(['report', 'results/run-a', '--out', 'reports/a.html', '--no-png']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(tmp, 'reports', 'a.html'));
    const html = await readFile(path.join(tmp, 'reports', 'a.html'), 'utf8');
    expect(html).toContain('data-chart="radar-measured"');
    expect(html).not.toContain('data:image/png');
  });

  it('exits 2 with a hint for a directory that is not a run', async () => {
    const r = await cli(['report', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not found');
    expect(r.stderr).toContain('hint');
  });

  it('exits 2 without run directories', async () => {
    expect((await cli(['report'])).code).toBe(2);
  });
});
