import { describe, expect, it } from 'vitest';
import { MODELS_SUBCOMMANDS } from '../../src/cli/commands/models.ts';
import { runCli } from '../helpers/cli.ts';

describe('vlmbench models', () => {
  it('lists its subcommands (the list is exported for other modules to extend)', async () => {
    expect(MODELS_SUBCOMMANDS.map((c) => c.name)).toEqual(['prompt', 'tokens', 'inspect', 'make-fixtures', 'pull']);
    const r = await runCli(['models']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/prompt +Render chat turns/);
    expect(r.stdout).toMatch(/tokens +Image-token count/);
    expect(r.stdout).toMatch(/inspect +Which family/);
    expect(r.stdout).toMatch(/make-fixtures +write the generated tiny/);
    expect(r.stdout).toMatch(/pull +download every remote model file/);
  });

  it('make-fixtures writes the tiny GGUF and ONNX models, byte-identical on a second run', async () => {
    const { readFileSync } = await import('node:fs');
    const { tempDir } = await import('../helpers/run-config.ts');
    const [a, b] = [tempDir(), tempDir()];
    const ra = await runCli(['models', 'make-fixtures', '--dir', a, '--json']);
    const rb = await runCli(['models', 'make-fixtures', '--dir', b, '--json']);
    expect(ra.code, ra.stderr).toBe(0);
    const fa = JSON.parse(ra.stdout) as Record<string, string>;
    const fb = JSON.parse(rb.stdout) as Record<string, string>;
    for (const k of ['textModel', 'mmproj15', 'mmproj16']) {
      expect(fa[k]!.startsWith(a)).toBe(true);
      expect(readFileSync(fa[k]!).equals(readFileSync(fb[k]!))).toBe(true);
    }
    const onnx = (dir: string) => readFileSync(`${dir}/onnx/decoder_model_merged.onnx`);
    expect(onnx(fa.onnxLlava15!).equals(onnx(fb.onnxLlava15!))).toBe(true);
  });

  it('each subcommand has --help with examples', async () => {
    for (const sub of ['prompt', 'tokens', 'inspect']) {
      const r = await runCli(['models', sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`vlmbench models ${sub}`);
    }
  });

  it('unknown subcommand or flag: exit 2', async () => {
    expect((await runCli(['models', 'frobnicate'])).code).toBe(2);
    expect((await runCli(['models', 'tokens', '--bogus'])).code).toBe(2);
  });
});
