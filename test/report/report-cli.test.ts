import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-report-cli-'));
  await writeRunFixture({ dir: path.join(tmp, 'results', 'run-a'), models: ['m1', 'm2'], suites: ['scienceqa', 'ocr', 'pope'], samplesPerSuite: 10 });
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

async function cli(args: string[]) {
  const stdout = new PassThrough(); const stderr = new PassThrough();
  let out = ''; let err = '';
  stdout.on('data', (d) => { out += d; }); stderr.on('data', (d) => { err += d; });
  const code = await main(args, { stdout, stderr, cwd: tmp, env: {} });
  return { code, out, err };
}

describe('vlmbench report', () => {
  it('writes the report where --out says and prints its path', async () => {
    const r = await cli(['report', 'results/run-a', '--out', 'reports/a.html', '--no-png']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(path.join(tmp, 'reports', 'a.html'));
    const html = await readFile(path.join(tmp, 'reports', 'a.html'), 'utf8');
    expect(html).toContain('data-chart="radar-measured"');
    expect(html).not.toContain('data:image/png');
  });

  it('exits 2 with a hint for a directory that is not a run', async () => {
    const r = await cli(['report', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('not found');
    expect(r.err).toContain('hint');
  });

  it('exits 2 without run directories', async () => {
    expect((await cli(['report'])).code).toBe(2);
  });
});
