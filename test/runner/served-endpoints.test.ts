import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const HTTP_MODEL = `  - id: over-http
    family: llava-1.5
    backend: { type: http, api: openai, server: vlmbench, endpoints: ["serve:slow"], model: slow }
`;

/** The echo config plus an http model that talks to a `vlmbench serve` of the 'slow' model. */
function withServedModel(dir: string, opts: Parameters<typeof writeEchoConfig>[1] = {}): string {
  const file = writeEchoConfig(dir, { count: 2, ...opts });
  writeFileSync(file, readFileSync(file, 'utf8').replace('suites:\n', `${HTTP_MODEL}suites:\n`));
  return file;
}

describe('serve:<model-id> endpoints', () => {
  it('an http model whose serve: target fails to load fails with a message naming the target, and the run ends', async () => {
    const dir = tempDir();
    const config = withServedModel(dir);
    // A module that exists but cannot load (a missing path is an input error caught before the run).
    writeFileSync(path.join(dir, 'broken.ts'), "throw new Error('this backend module cannot load');\n");
    writeFileSync(config, readFileSync(config, 'utf8').replace(/module: .*/, `module: ${path.join(dir, 'broken.ts')}`));
    const r = await runCli(['run', config, '--run-id', 'r']);
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'summary.json'), 'utf8'));
    const http = summary.results.find((x: { model: string }) => x.model === 'over-http');
    expect(http.notes[0]).toMatch(/serve:slow/);
  }, 60_000);
});

describe('serve:<model-id> servers are stopped once no later model needs them', () => {
  it('the server (a second loaded copy of the model) is gone before the next model loads', async () => {
    const dir = tempDir();
    const file = writeEchoConfig(dir, { count: 2 });
    // The http model first, then the served model itself.
    writeFileSync(file, readFileSync(file, 'utf8').replace('models:\n', `models:\n${HTTP_MODEL}`));
    const r = await runCli(['run', file, '--run-id', 'r']);
    expect(r.code, r.stderr).toBe(0);
    const stopped = r.stderr.indexOf('stopped serving slow');
    expect(stopped, r.stderr).toBeGreaterThan(-1);
    expect(stopped).toBeLessThan(r.stderr.search(/^(task \d+\/\d+ )?slow › /m));
  }, 60_000);
});
