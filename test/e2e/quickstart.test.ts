import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getFamily } from '../../src/families/index.ts';
import { TINY_LLAVA_V1, TINY_TINYLLAVA, TINY_VILA } from '../../src/fixtures/onnx/index.ts';
import { spawnCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * The README's main command, end to end through the real CLI: every backend (llama.cpp GGUF 1.5 and
 * 1.6, ONNX, HTTP against a `vlmbench serve` the run starts) × every suite, judged by the local GGUF
 * judge, with the HTML report written at the end.
 */
const FAMILY = { 'tiny-llava-v1-onnx': 'llava-v1', 'tiny-tinyllava-onnx': 'tinyllava', 'tiny-vila-onnx': 'vila' } as const;

describe('quickstart', () => {
  it('runs every model × suite of configs/quickstart.yaml with no errors and writes the report', async () => {
    const out = tempDir('vlmbench-quickstart-');
    const fixtures = path.join(out, 'fixtures');
    const r = await spawnCli(['run', '--limit', '2', '--out', out, '--run-id', 'qs'], { VLMBENCH_FIXTURES_DIR: fixtures }).done;
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const runDir = path.join(out, 'qs');
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    const models = ['tiny-llava-v1-onnx', 'tiny-llava15-gguf', 'tiny-llava16-gguf', 'tiny-tinyllava-onnx', 'tiny-vila-onnx', 'tiny-llava15-http'];
    const suites = ['conversation', 'detail', 'reasoning', 'scienceqa', 'ocr', 'vqav2', 'gqa', 'vizwiz', 'pope', 'mme', 'mmbench', 'mmbench-cn', 'seed-bench', 'mm-vet', 'latency', 'throughput'];
    for (const m of models) {
      for (const s of suites) {
        const res = summary.results.find((x: { model: string; suite: string }) => x.model === m && x.suite === s);
        expect(res, `${m} × ${s}`).toBeDefined();
        expect(res.n, `${m} × ${s}`).toBeGreaterThan(0);
        expect(res.errors, `${m} × ${s}`).toBe(0);
        // A load point the client could not drive honestly (CPU shared with parallel tests) is marked
        // invalid with its reason instead of reported; a throughput headline may then be missing.
        const invalidExplained = s === 'throughput' && res.notes.some((n: string) => /INVALID: .+/.test(n));
        if (!invalidExplained) expect(res.metrics[res.headline]?.value, `${m} × ${s} headline`).not.toBeNull();
      }
    }
    // Every image sample of the generated families reports the family's token count for its export's sizes.
    const records = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const [model, spec] of [['tiny-llava-v1-onnx', TINY_LLAVA_V1], ['tiny-tinyllava-onnx', TINY_TINYLLAVA], ['tiny-vila-onnx', TINY_VILA]] as const) {
      const { imageSize, patchSize } = spec.tower;
      const expected = getFamily(FAMILY[model]).imageTokens(imageSize, imageSize, { imageSize, patchSize });
      const withImages = records.filter((r) => r.model === model && r.input?.images?.length === 1 && r.usage);
      expect(withImages.length, model).toBeGreaterThan(0);
      for (const r of withImages) expect(r.usage.imageTokens, `${model} ${r.suite} ${r.sampleId}`).toBe(expected);
    }
    // The http model (vlmbench serve of the GGUF) reports the image tokens its server counted: the same as the GGUF model's.
    const viaHttp = records.filter((r) => r.model === 'tiny-llava15-http' && r.input?.images?.length === 1 && r.usage);
    expect(viaHttp.length).toBeGreaterThan(0);
    for (const r of viaHttp) {
      const local = records.find((x) => x.model === 'tiny-llava15-gguf' && x.suite === r.suite && x.sampleId === r.sampleId && x.usage);
      if (local) expect(r.usage.imageTokens, `${r.suite} ${r.sampleId}`).toBe(local.usage.imageTokens);
      expect(r.usage.imageTokens, `${r.suite} ${r.sampleId}`).toBeGreaterThan(0);
    }
    const manifest = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
    expect(manifest.models.map((m: { backend: string }) => m.backend)).toEqual(['onnx', 'llama-cpp', 'llama-cpp', 'onnx', 'onnx', 'http']);
    expect(new Set(manifest.models.map((m: { family: string }) => m.family))).toEqual(new Set(['llava-v1', 'llava-1.5', 'llava-1.6', 'tinyllava', 'vila']));
    expect(manifest.models[1].files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    // The measured radar has the twelve axes of the LLaVA-1.5 figure, in its order.
    const axes = [...html.matchAll(/nameX: [^;]*; nameY: [^;]*; axis: ([^;]*);/g)].map((m) => m[1]);
    const twelve = ['VQAv2', 'GQA', 'VizWiz', 'SQA-IMG', 'TextVQA', 'POPE', 'MME', 'MMBench', 'MMBench-CN', 'SEED-Bench', 'LLaVA-Bench', 'MM-Vet'];
    expect(axes.slice(0, 12)).toEqual(twelve);
    expect(html).toContain('LLaVA family');
    expect(existsSync(path.join(fixtures, 'tiny-llama-f16.gguf'))).toBe(true);
  }, 300_000);
});
