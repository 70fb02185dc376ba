import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary, SampleRecord } from '../../../src/core/record.ts';
import { ensureGgufFixtures } from '../../../src/fixtures/gguf/index.ts';
import { runBenchmark } from '../../../src/runner/index.ts';
import { tmp } from './helpers.ts';

describe('LLaVA-Bench through the runner (tiny ONNX LLaVA-1.5 model, tiny GGUF judge)', () => {
  it('answers the built-in conversation questions, judges them locally and summarises', async () => {
    const dir = tmp('lb-run-');
    const { textModel } = await ensureGgufFixtures(path.join(dir, 'fixtures'));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, `name: lb-e2e
run:
  id: e2e
  out: ${path.join(dir, 'results')}
  fixturesDir: ${path.join(dir, 'fixtures')}
models:
  - id: tiny-onnx
    family: llava-1.5
    backend: { type: onnx, dir: "fixture:onnx/llava-1.5", threads: 1 }
suites:
  - name: conversation
    maxTokens: 8
judge:
  provider: llama-cpp
  model: ${textModel}
  threads: 1
  maxTokens: 8
  cacheDir: ${path.join(dir, 'judge-cache')}
report:
  enabled: false
`);
    const outcome = await runBenchmark({ configFile: config, env: { ...process.env, VLMBENCH_FIXTURES_DIR: path.join(dir, 'fixtures') }, report: false });
    const records = readFileSync(path.join(outcome.runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord);
    expect(records).toHaveLength(5); // 3 In-the-Wild + 2 COCO conversation questions
    for (const r of records) {
      expect(r.error, JSON.stringify(r.error)).toBeUndefined();
      expect(r.meta).toMatchObject({ benchmark: 'llava-bench', category: 'conv', review: { status: 'ok' }, judge: { provider: 'llama-cpp', model: 'tiny-llama-f16.gguf' } });
      expect(r.scores.judge_model).toBeTypeOf('number');
      expect(r.input!.images).toHaveLength(1);
    }
    const summary = JSON.parse(readFileSync(path.join(outcome.runDir, 'summary.json'), 'utf8')) as RunSummary;
    const conv = summary.results.find((s) => s.suite === 'conversation')!;
    expect(conv.headline).toBe('relative');
    expect(conv.metrics.relative!.value).toBeGreaterThan(0);
    expect(conv.metrics.judge_failures!.value).toBe(0);
    expect(conv.tables!.judge).toMatchObject({ rules: 'builtin:vlmbench-rules-v1', compat: 'llava' });
  }, 180_000);
});
