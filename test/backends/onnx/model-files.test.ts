import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import { ModelFileError } from '../../../src/core/errors.ts';
import { TINY_LLAVA15, writeTinyOnnxModel } from '../../../src/fixtures/onnx/index.ts';
import type { TinyOnnxSpec } from '../../../src/fixtures/onnx/index.ts';

const load = (dir: string, dtype = '') => loadOnnxModel({ dir, dtype, provider: 'cpu', deviceId: 0, threads: 1 });

async function variant(renameInputs: TinyOnnxSpec['renameInputs']): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-onnx-bad-'));
  return writeTinyOnnxModel(path.join(root, 'model'), { ...TINY_LLAVA15, renameInputs });
}

async function loadError(dir: string, dtype = ''): Promise<ModelFileError> {
  const err = await load(dir, dtype).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

describe('ONNX model folder checks', () => {
  it('a misnamed decoder input is a ModelFileError naming the file and the input', async () => {
    const dir = await variant({ decoder: { attention_mask: 'attn_mask' } });
    const err = await loadError(dir);
    expect(err.code).toBe('E_MODEL_FILE');
    expect(err.file).toBe(path.join(dir, 'onnx', 'decoder_model_merged.onnx'));
    expect(err.field).toBe('attention_mask');
    expect(err.message).toContain("'attention_mask'");
    expect(err.hint).toContain('attn_mask');
  });

  it('a misnamed KV input and a misnamed vision input are reported the same way', async () => {
    const kv = await loadError(await variant({ decoder: { 'past_key_values.1.value': 'past.1.value' } }));
    expect(kv.field).toBe('past_key_values.1.value');
    const vision = await loadError(await variant({ vision: { pixel_values: 'images' } }));
    expect(vision.file).toMatch(/vision_encoder\.onnx$/);
    expect(vision.field).toBe('pixel_values');
  });

  it('a missing graph file or a dtype without files names the expected file', async () => {
    const dir = await variant(undefined);
    const fp16 = await loadError(dir, 'fp16');
    expect(fp16.file).toBe(path.join(dir, 'onnx', 'vision_encoder_fp16.onnx'));
    await rm(path.join(dir, 'onnx', 'embed_tokens.onnx'));
    const missing = await loadError(dir);
    expect(missing.file).toBe(path.join(dir, 'onnx', 'embed_tokens.onnx'));
  });

  it('a corrupt graph is a ModelFileError for that file', async () => {
    const dir = await variant(undefined);
    await writeFile(path.join(dir, 'onnx', 'decoder_model_merged.onnx'), 'not a model');
    const err = await loadError(dir);
    expect(err.file).toBe(path.join(dir, 'onnx', 'decoder_model_merged.onnx'));
  });
});
