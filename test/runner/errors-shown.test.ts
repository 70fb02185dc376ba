import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/core/record.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * A GGUF model configured without its mmproj fails every image sample the same way: the user sees that
 * error (code, message, hint) as it happens and in the closing summary with its count, and the model
 * stops after run.stopAfterErrors identical errors instead of failing every remaining sample.
 */
function config(dir: string, extraRun = ''): string {
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, `name: no-mmproj
run: { out: ${path.join(dir, 'results')}, concurrency: 1, fixturesDir: ${path.join(dir, 'fixtures')}${extraRun} }
models:
  - id: gguf
    family: llava-1.5
    backend: { type: llama-cpp, model: fixture:gguf/text, threads: 1, contextSize: 1024 }
suites:
  - { name: textvqa, limit: 9, maxTokens: 2 }
  - { name: scienceqa, limit: 2, maxTokens: 2 }
report: { enabled: false }
`);
  return file;
}

const journal = (dir: string): SampleRecord[] =>
  readFileSync(path.join(dir, 'results', 'r', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord);

describe('errors are shown, and a model failing the same way stops', () => {
  it('prints the first error of its kind live and in the summary, and stops after 5 identical errors', async () => {
    const dir = tempDir('vlmbench-errors-shown-');
    const r = await runCli(['run', config(dir), '--run-id', 'r']);
    expect(r.code).toBe(1);
    // Live, once: code, message and hint.
    const live = r.stderr.match(/error \(first of its kind\) in gguf › textvqa/g) ?? [];
    expect(live).toHaveLength(1);
    expect(r.stderr).toMatch(/E_CONFIG: field backend\.mmproj: request textvqa-\d+ has an image but model gguf has no mmproj\n\s+hint: set backend\.mmproj/);
    expect(r.stderr).toMatch(/stopped: gguf after 5 consecutive identical errors \(E_CONFIG/);
    // Only the samples already started when the 5th error came back were run (concurrency 1: one more).
    const n = journal(dir).length;
    expect(n).toBeGreaterThanOrEqual(5);
    expect(n).toBeLessThanOrEqual(6);
    // The closing summary: one kind, counted.
    expect(r.stdout).toMatch(new RegExp(`errors: ${n} in 1 kind`));
    expect(r.stdout).toMatch(new RegExp(`×${n} {2}first: gguf › textvqa, sample textvqa-\\d+`));
    expect(r.stdout).toMatch(/hint: set backend\.mmproj/);
    // The stopped suite and the next one say why.
    const summary = JSON.parse(readFileSync(path.join(dir, 'results', 'r', 'summary.json'), 'utf8'));
    for (const suite of ['textvqa', 'scienceqa']) {
      const res = summary.results.find((x: { suite: string }) => x.suite === suite);
      expect(res.notes.join('\n'), suite).toMatch(/stopped: gguf after 5 consecutive identical errors/);
    }
  }, 60_000);

  it('run.stopAfterErrors: 0 never stops; every sample is tried', async () => {
    const dir = tempDir('vlmbench-errors-shown-');
    const r = await runCli(['run', config(dir, ', stopAfterErrors: 0'), '--run-id', 'r']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/stopped:/);
    const recs = journal(dir);
    expect(recs.filter((x) => x.suite === 'textvqa')).toHaveLength(9);
    expect(r.stdout).toMatch(new RegExp(`errors: ${recs.filter((x) => x.error).length} in 1 kind`));
  }, 60_000);
});
