import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord } from '../../../src/core/record.ts';
import { runBenchmark } from '../../../src/runner/index.ts';
import { tmp } from './helpers.ts';

describe('scienceqa and ocr through the runner (tiny ONNX LLaVA-1.5 model, built-in sample sets)', () => {
  it('asks every built-in question, records scores and summarises with the official metrics', async () => {
    const dir = tmp('sqa-run-');
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, `name: sqa-ocr-e2e
run:
  id: e2e
  out: ${path.join(dir, 'results')}
  fixturesDir: ${path.join(dir, 'fixtures')}
models:
  - id: tiny-onnx
    family: llava-1.5
    backend: { type: onnx, dir: "fixture:onnx/llava-1.5", threads: 1 }
suites:
  - name: scienceqa
    maxTokens: 4
  - name: ocr
    maxTokens: 4
report:
  enabled: false
`);
    const outcome = await runBenchmark({ configFile: config, env: { ...process.env, VLMBENCH_FIXTURES_DIR: path.join(dir, 'fixtures') }, report: false });
    const records = readFileSync(path.join(outcome.runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord);
    const sqa = records.filter((r) => r.suite === 'scienceqa');
    const ocr = records.filter((r) => r.suite === 'ocr');
    expect(sqa).toHaveLength(28);
    expect(ocr).toHaveLength(30);
    for (const r of [...sqa, ...ocr]) {
      expect(r.error, JSON.stringify(r.error)).toBeUndefined();
      expect(typeof r.output).toBe('string');
    }
    for (const r of sqa) expect([0, 1]).toContain(r.scores.correct);
    // The prompt the model saw is the LLaVA one: vicuna_v1 template, image token, CQM text, suffix.
    const withImage = sqa.find((r) => r.input!.images.length === 1)!;
    expect(withImage.prompt).toContain("USER: <image>\nContext: N/A\nQuestion: How many red circles are in the picture?\nOptions: (A) 2 (B) 3 (C) 5\nAnswer with the option's letter from the given choices directly. ASSISTANT:");
    const textOnly = sqa.find((r) => r.input!.images.length === 0)!;
    expect(textOnly.prompt).not.toContain('<image>');
    for (const r of ocr) {
      const key = { textvqa: 'vqa_accuracy', docvqa: 'anls', ocrbench: 'ocrbench' }[r.meta!.format as string]!;
      expect(r.scores[key]).toBeGreaterThanOrEqual(0);
      expect(r.scores[key]).toBeLessThanOrEqual(1);
    }
    const summary = JSON.parse(readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as RunSummary;
    const s = summary.results.find((x) => x.suite === 'scienceqa')!;
    expect(s.headline).toBe('img_accuracy');
    expect(s.metrics.img_accuracy!.n).toBe(16);
    expect(s.metrics.accuracy!.n).toBe(28);
    expect(s.tables!.scienceqa).toBeDefined();
    const o = summary.results.find((x) => x.suite === 'ocr')!;
    expect(o.headline).toBe('textvqa_accuracy');
    expect(o.metrics.textvqa_accuracy!.n).toBe(10);
    expect(o.metrics.docvqa_anls!.n).toBe(8);
    expect(o.metrics.ocrbench_score!.n).toBe(12);
  }, 240_000);
});
