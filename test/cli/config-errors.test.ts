import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(r.stderr).toMatch(/expected number, got string 'two'/);
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
    expect(r.stderr).toMatch(/unknown suite 'sciencqa', did you mean 'scienceqa'\? \(known suites: .*scienceqa/);
  });

  it('an unknown family, a template the family never uses, and a family the backend cannot serve', async () => {
    const fam = await runCli(['run', writeConfig(MODEL.replace('family: llava-1.5', 'family: llava-9'))]);
    expect(fam.code).toBe(2);
    expect(fam.stderr).toMatch(/field models\[0\]\.family: unknown model family 'llava-9'.*known families: llava-v1, llava-1\.5/);
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

describe('every config mistake at once, named precisely', () => {
  it('unknown top-level fields are named with the closest allowed key, beside the missing ones', async () => {
    const file = writeConfig(MODEL.replace('models:', 'modelz:').replace('suites:', 'suits:'));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: 4 problems:`);
    expect(r.stderr).toContain(`${file}:1:1  modelz: unknown field 'modelz', did you mean 'models'?`);
    expect(r.stderr).toContain(`${file}:5:1  suits: unknown field 'suits', did you mean 'suites'?`);
    expect(r.stderr).toMatch(/models: required field is missing/);
    expect(r.stderr).toMatch(/suites: required field is missing/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a bad discriminator or enum value is named with the allowed ones; nested typos get a did-you-mean', async () => {
    const file = writeConfig(`models:
  - id: a
    family: llava-1.5
    backend: { type: tensorrt-grpc, endpoints: ["http://127.0.0.1:9"] }
  - id: b
    family: llava-1.5
    backend: { type: llama-cpp, model: m.gguf, mmProj: p.gguf, threads: 1 }
  - id: c
    family: llava-1.5
    backend: { type: onnx, dir: d, threads: 1, provider: gpu }
suites:
  - { name: scienceqa, maxToken: 12 }
`);
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: 4 problems:`);
    expect(r.stderr).toContain(`${file}:4:16  models[0].backend.type: 'tensorrt-grpc' is not a known type (allowed: llama-cpp, onnx, http, custom)`);
    expect(r.stderr).toContain(`${file}:7:48  models[1].backend.mmProj: unknown field 'mmProj', did you mean 'mmproj'?`);
    expect(r.stderr).toContain(`models[2].backend.provider: 'gpu' is not allowed (allowed: cpu, cuda, auto)`);
    expect(r.stderr).toContain(`${file}:12:24  suites[0].maxToken: unknown field 'maxToken', did you mean 'maxTokens'?`);
  });

  it('problems found after the schema (family, suite name, suite options) are listed together too', async () => {
    const file = writeConfig(MODEL.replace('family: llava-1.5', 'family: llava-9').replace('[{ name: scienceqa }]', '[{ name: scienceqa, options: { formt: llava } }, { name: ocrbnch }]'));
    const r = await runCli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 problems:');
    expect(r.stderr).toMatch(/:3:5 {2}models\[0\]\.family: unknown model family 'llava-9'/);
    expect(r.stderr).toMatch(/suites\[0\]\.options\.formt: unknown field 'formt', did you mean 'format'\?/);
    expect(r.stderr).toMatch(/suites\[1\]\.name: unknown suite 'ocrbnch', did you mean 'ocrbench'\?/);
  });

  it('an unknown flag gets a did-you-mean', async () => {
    const r = await runCli(['run', writeEchoConfig(tempDir(), { count: 1 }), '--limt', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --limt, did you mean --limit?');
  });

  it('a wrong model path or a folder that is not a dataset stops before a run folder exists (exit 2)', async () => {
    const dir = tempDir();
    const missingModel = writeEchoConfig(dir, { count: 1 }).replace(/config\.yaml$/, 'config.yaml');
    writeFileSync(missingModel, readFileSync(missingModel, 'utf8').replace(/module: .*/, `module: ${path.join(dir, 'no-such-backend.ts')}`));
    const a = await runCli(['run', missingModel, '--run-id', 'a']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/field models\[0\]\.backend\.module: backend module .*no-such-backend\.ts does not exist/);
    mkdirSync(path.join(dir, 'not-a-dataset'));
    const notData = readFileSync(writeEchoConfig(dir, { count: 1 }), 'utf8')
      .replace(/suites:\n(?: {2}.*\n)+/, `suites:\n  - { name: ocr, dataset: ${path.join(dir, 'not-a-dataset')} }\n`);
    const file = path.join(dir, 'not-data.yaml');
    writeFileSync(file, notData);
    const b = await runCli(['run', file, '--run-id', 'b']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/field suites\[0\]\.dataset: suite 'ocr': not an OCR dataset folder/);
    expect(existsSync(path.join(dir, 'results'))).toBe(false);
  });
});
