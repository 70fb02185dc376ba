import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

const STACK = /\n\s+at [\w.<]/;

function writeConfig(text: string): string {
  const file = path.join(tempDir(), 'bad.yaml');
  writeFileSync(file, text);
  return file;
}

const MODEL = `models:
  - id: m
    family: llava-1.5
    backend: { type: llama-cpp, model: m.gguf, threads: 1 }
suites: [{ name: scienceqa }]
`;

describe('bad configs give one clear message, exit 2, no stack trace', () => {
  it('malformed YAML names file, line and column', async () => {
    const file = writeConfig('models: [\n  - id: a\n  bad');
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:3`);
    expect(r.stderr).toMatch(/YAML syntax error/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('an unknown field names the field path and line', async () => {
    const file = writeConfig(MODEL.replace('threads: 1', 'threads: 1, colour: red'));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4:`);
    expect(r.stderr).toContain('field models[0].backend.colour');
    expect(r.stderr).toContain("unknown field 'colour'");
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a wrong type says what was expected', async () => {
    const file = writeConfig(MODEL.replace('threads: 1', 'threads: two'));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('field models[0].backend.threads');
    expect(r.stderr).toMatch(/expected number, received string/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a missing config file names the file', async () => {
    const file = path.join(tempDir(), 'nope.yaml');
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/not found/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('an unset ${VAR} names the variable, file and field', async () => {
    const file = writeConfig(MODEL.replace('model: m.gguf', 'model: "${VLMBENCH_TEST_UNSET_VAR}"'));
    const r = await runCli(['run', file], { VLMBENCH_TEST_UNSET_VAR: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment variable not set:');
    expect(r.stderr).toMatch(/\$\{VLMBENCH_TEST_UNSET_VAR\}\s+models\[0\]\.backend\.model \(line 4\)/);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('an unknown suite lists the known ones', async () => {
    const file = writeConfig(MODEL.replace('name: scienceqa', 'name: sciencqa'));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('field suites[0].name');
    expect(r.stderr).toMatch(/unknown suite 'sciencqa'.*\n.*known suites: .*scienceqa/);
  });

  it('an unknown family, a template the family never uses, and a family the backend cannot serve', async () => {
    const fam = await runCli(['run', writeConfig(MODEL.replace('family: llava-1.5', 'family: llava-9'))]);
    expect(fam.code).toBe(2);
    expect(fam.stderr).toMatch(/field models\[0\]\.family: unknown model family 'llava-9'\n.*known families: llava-v1, llava-1\.5/);
    const tpl = await runCli(['run', writeConfig(MODEL.replace('family: llava-1.5', 'family: llava-1.5\n    template: phi'))]);
    expect(tpl.code).toBe(2);
    expect(tpl.stderr).toMatch(/field models\[0\]\.template: template 'phi' is not one family llava-1\.5 uses/);
    const backend = await runCli(['run', writeConfig(MODEL.replace('family: llava-1.5', 'family: tinyllava'))]);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toMatch(/field models\[0\]\.backend\.type: the llama-cpp backend cannot serve family tinyllava/);
    expect(backend.stderr).toMatch(/use the onnx or http backend/);
  });

  it('--verbose adds the stack trace', async () => {
    const file = writeConfig('models: [\n  - id: a\n  bad');
    const r = await runCli(['run', file, '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(STACK);
  });

  it('unknown flags and --models ids are usage errors', async () => {
    const config = writeEchoConfig(tempDir(), { count: 2 });
    expect((await runCli(['run', config, '--bogus'])).code).toBe(2);
    const r = await runCli(['run', config, '--models', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no model 'nope'.*\n.*available: slow/);
  });
});
