import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/core/record.ts';
import { ensureOcrSample } from '../../src/fixtures/datasets/ocr.ts';
import { TEXTVQA_IMAGES } from '../../src/fixtures/datasets/ocr/items.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * One truncated JPEG in a copy of the built-in TextVQA sample set, run through the CLI on every local
 * backend: the samples of that image fail with E_IMAGE naming the file, every other sample is answered
 * (a native decoder failure used to leave the llama.cpp context refusing every later request).
 */
describe('one undecodable image among the samples', () => {
  it('fails only its own samples, on llama-cpp and onnx, with an error naming the file', async () => {
    const dir = tempDir('vlmbench-bad-image-');
    const data = await ensureOcrSample(path.join(dir, 'data'));
    const bad = TEXTVQA_IMAGES[1]!;
    const badFile = path.join(data, 'train_images', `${bad.imageId}.jpg`);
    const jpeg = readFileSync(badFile);
    writeFileSync(badFile, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, `name: bad-image
run: { out: ${path.join(dir, 'results')}, concurrency: 1, fixturesDir: ${path.join(dir, 'fixtures')} }
models:
  - id: gguf
    family: llava-1.5
    backend: { type: llama-cpp, model: fixture:gguf/text, mmproj: fixture:gguf/mmproj-1.5, threads: 1, contextSize: 2048, grammar: 'root ::= [\\x01-\\x7F]*' }
  - id: onnx
    family: llava-1.5
    backend: { type: onnx, dir: fixture:onnx/llava-1.5, provider: cpu, threads: 1 }
suites:
  - { name: textvqa, dataset: ${data}, limit: 6, maxTokens: 2 }
report: { enabled: false }
`);
    const r = await runCli(['run', config, '--run-id', 'r']);
    const records = readFileSync(path.join(dir, 'results', 'r', 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord);
    for (const model of ['gguf', 'onnx']) {
      const mine = records.filter((x) => x.model === model);
      expect(mine).toHaveLength(6);
      const errored = mine.filter((x) => x.error);
      const badSamples = mine.filter((x) => (x.input?.images ?? []).some((f) => f.endsWith(`${bad.imageId}.jpg`)));
      expect(badSamples.length, model).toBeGreaterThan(0);
      expect(errored.map((x) => x.sampleId).sort(), model).toEqual(badSamples.map((x) => x.sampleId).sort());
      for (const e of errored) {
        expect(e.error, model).toMatchObject({ code: 'E_IMAGE', file: badFile });
        expect(e.error!.message).toMatch(/cannot decode image/);
      }
      for (const ok of mine.filter((x) => !x.error)) expect(typeof ok.output, `${model} ${ok.sampleId}`).toBe('string');
    }
    // Errored samples make the run exit 1; the error is named on the terminal.
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
  }, 120_000);
});
