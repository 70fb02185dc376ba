import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/fixtures/paths.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

const STACK = /\n\s+at [\w.<]/;

describe('a run asks only for what it uses, and names every missing input at once', () => {
  it('llava-family.yaml --suites scienceqa without a judge key gets to the model files and lists them all', async () => {
    const out = tempDir();
    const r = await runCli(['run', path.join(REPO_ROOT, 'configs/llava-family.yaml'), '--suites', 'scienceqa', '--out', out],
      { OPENAI_API_KEY: undefined, VLMBENCH_OFFLINE: '1', VLMBENCH_MODELS_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('OPENAI_API_KEY');
    expect(r.stderr).toMatch(/\d+ problems with the run's inputs:/);
    // Every model's files and the dataset, in one message.
    for (const id of ['llava-1.5-7b-f16', 'llava-1.5-13b-q4_k', 'llava-1.6-vicuna-13b-q5_k']) {
      expect(r.stderr).toContain(`model ${id} backend.model: hf:`);
      expect(r.stderr).toContain(`model ${id} backend.mmproj: hf:`);
    }
    expect(r.stderr).toMatch(/suites\[0\]\.dataset: dataset folder .*datasets[/\\]scienceqa does not exist/);
    expect(r.stderr).toContain('vlmbench models pull');
    expect(r.stderr).not.toMatch(STACK);
    expect(readdirSync(out)).toEqual([]); // nothing written before the inputs are there
  });

  it('the judge key is required when a judged suite runs, with every other unset variable', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, `models:
  - id: a
    family: llava-1.5
    backend: { type: http, endpoints: ['\${VLMB_T_URL_A}'], model: '\${VLMB_T_MODEL_A}', apiKeyEnv: VLMB_T_KEY_A }
  - id: b
    family: llava-1.5
    backend: { type: http, endpoints: ['\${VLMB_T_URL_B}'], model: b }
suites: [{ name: conversation }, { name: scienceqa }]
judge: { provider: openai, model: gpt-4-0314, apiKeyEnv: VLMB_T_JUDGE_KEY }
`);
    const env = { VLMB_T_URL_A: undefined, VLMB_T_MODEL_A: undefined, VLMB_T_KEY_A: undefined, VLMB_T_URL_B: undefined, VLMB_T_JUDGE_KEY: undefined };
    const all = await runCli(['run', file, '--out', dir], env);
    expect(all.code).toBe(2);
    expect(all.stderr).toContain('5 environment variables not set:');
    for (const v of ['${VLMB_T_URL_A}', '${VLMB_T_MODEL_A}', '${VLMB_T_KEY_A}', '${VLMB_T_URL_B}', '${VLMB_T_JUDGE_KEY}']) expect(all.stderr).toContain(v);
    expect(all.stderr).toContain('judge.apiKeyEnv');

    // Model b and ScienceQA only: neither model a's variables nor the judge key are needed.
    const some = await runCli(['run', file, '--models', 'b', '--suites', 'scienceqa', '--out', dir], env);
    expect(some.code).toBe(2);
    expect(some.stderr).toContain('environment variable not set:');
    expect(some.stderr).toContain('${VLMB_T_URL_B}');
    expect(some.stderr).not.toMatch(/VLMB_T_URL_A|VLMB_T_MODEL_A|VLMB_T_KEY_A|VLMB_T_JUDGE_KEY/);
  });

  it('secrets stay redacted in manifest.json when --models drops the models before them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, `run: { out: ${JSON.stringify(dir)}, id: redact }
models:
  - id: first
    family: llava-1.5
    backend: { type: custom, module: ${JSON.stringify(path.join(REPO_ROOT, 'test/helpers/slow-backend.ts'))}, options: { token: '\${VLMB_T_UNUSED}' } }
  - id: second
    family: llava-1.5
    backend: { type: custom, module: ${JSON.stringify(path.join(REPO_ROOT, 'test/helpers/slow-backend.ts'))}, options: { token: '\${VLMB_T_SECRET}' } }
suites: [{ name: scienceqa, limit: 1 }]
`);
    const r = await runCli(['run', file, '--models', 'second'], { VLMB_T_SECRET: 'sk-very-secret', VLMB_T_UNUSED: undefined });
    expect(r.code, r.stderr).toBe(0);
    const manifest = readFileSync(path.join(dir, 'redact', 'manifest.json'), 'utf8');
    expect(manifest).not.toContain('sk-very-secret');
    expect(manifest).toContain('[redacted]');
    expect(existsSync(path.join(dir, 'redact', 'samples.jsonl'))).toBe(true);
  });
});

describe('llama-cpp runtime: server needs a llama-server before the run starts', () => {
  const config = (dir: string, backendExtra: string): string => {
    const file = path.join(dir, 'server.yaml');
    writeFileSync(file, [
      'models:',
      '  - id: m',
      '    family: llava-1.5',
      `    backend: { type: llama-cpp, model: fixture:gguf/text, mmproj: fixture:gguf/mmproj-1.5, threads: 1, runtime: server${backendExtra} }`,
      'suites: [{ name: scienceqa, limit: 2 }]',
      '',
    ].join('\n'));
    return file;
  };

  it('a serverBinary that does not exist: exit 2 naming the field, no run folder', async () => {
    const dir = tempDir();
    const r = await runCli(['run', config(dir, ', serverBinary: /nonexistent/llama-server'), '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/field models\[0\]\.backend\.serverBinary: llama-server binary \/nonexistent\/llama-server does not exist/);
    expect(r.stderr).toMatch(/vlmbench runtimes build llama\.cpp/);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  }, 60_000);

  it('no managed build and none on PATH: exit 2 naming backend.runtime and the build command', async () => {
    const dir = tempDir();
    // A real process: the runtime lookup reads its own environment (an empty runtimes folder, PATH without llama-server).
    const r = await spawnCli(['run', config(dir, ''), '--out', path.join(dir, 'out')], { VLMBENCH_RUNTIMES_DIR: tempDir(), PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/field models\[0\]\.backend\.runtime: runtime: server, but no llama-server is built or on PATH/);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  }, 60_000);
});
