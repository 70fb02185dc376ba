import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLoop } from '../../../backends/onnx/generate.ts';
import { preparePrompt, visionOverrides } from '../../../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import { imagesOf } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { REPO, tempDir } from '../../helpers/run-config.ts';
import { noAbort, request, testImage } from './helpers.ts';

/**
 * scripts/export/export_onnx.py on tiny random-init llava-hf checkpoints (scripts/export/selftest.py
 * make-tiny), loaded by the ONNX backend: the greedy tokens must equal PyTorch's own `generate` on the
 * same prompt ids and pixel values. Needs python3 with torch, transformers and onnx; without them the
 * PyTorch part is skipped and says why (the CLI check still runs wherever python3 exists).
 */
const EXPORT = path.join(REPO, 'scripts/export/export_onnx.py');
const SELFTEST = path.join(REPO, 'scripts/export/selftest.py');
const python = spawnSync('python3', ['--version']).status === 0;
const probe = python ? spawnSync('python3', ['-c', 'import torch, transformers, onnx, onnxruntime'], { encoding: 'utf8' }) : undefined;
const torchReason = !python ? 'python3 not found' : probe!.status !== 0 ? (probe!.stderr.trim().split('\n').at(-1) ?? 'import failed') : '';
if (torchReason) console.warn(`[skip] export_onnx.py PyTorch parity: ${torchReason} (pip install torch transformers onnx onnxruntime to run it)`);

describe('scripts/export/export_onnx.py', () => {
  it.skipIf(!python)('documents its options and exits 2 with an install hint when PyTorch is missing', () => {
    const help = execFileSync('python3', [EXPORT, '--help'], { encoding: 'utf8' });
    for (const f of ['--family', '--model', '--out', '--dtype', '--source', 'vision_encoder', 'decoder_model_merged', '_q4']) expect(help).toContain(f);
    if (torchReason) {
      const r = spawnSync('python3', [EXPORT, '--family', 'llava-1.5', '--model', 'x', '--out', tempDir()], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/is not installed \(pip install torch transformers onnx onnxruntime\)/);
    }
  });

  it.skipIf(Boolean(torchReason)).each(['llava-1.5', 'llava-1.6'])('%s: tiny random-init export gives PyTorch\'s greedy tokens', async (family) => {
    const root = tempDir();
    const hf = path.join(root, 'hf');
    const out = path.join(root, 'onnx');
    execFileSync('python3', [SELFTEST, 'make-tiny', '--family', family, '--out', hf], { stdio: 'pipe' });
    execFileSync('python3', [EXPORT, '--family', family, '--model', hf, '--out', out], { stdio: 'pipe' });

    const model = await loadOnnxModel({ dir: out, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
    try {
      const fam = getFamily(family);
      const req = request(await testImage(45, 30, [200, 20, 20], [20, 20, 200]), 'What is shown?', { maxTokens: 12, ignoreEos: true });
      const prepared = await preparePrompt(model, fam, req, { merge: 'repeat' });
      const ours = await decodeLoop(model, prepared, { ...req.params, seed: 0, stop: [] }, noAbort(), { start: performance.now(), startedAt: Date.now() });
      const pre = await fam.preprocess(imagesOf(req)[0]!, visionOverrides(model));
      const inputs = path.join(root, 'inputs.json');
      writeFileSync(inputs, JSON.stringify({
        input_ids: prepared.ids.ids, pixel_values: Array.from(pre.data), pixel_shape: pre.shape,
        image_sizes: [pre.originalSize.height, pre.originalSize.width], max_new_tokens: 12,
      }));
      const ref = path.join(root, 'ref.json');
      execFileSync('python3', [SELFTEST, 'reference', '--family', family, '--model', hf, '--inputs', inputs, '--out', ref], { stdio: 'pipe' });
      expect(ours.tokenIds).toEqual(JSON.parse(readFileSync(ref, 'utf8')).tokens);
    } finally {
      await model.close();
    }
  }, 120_000);
});
