import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightGguf } from '../../../backends/llama-cpp/preflight.ts';
import { ModelFileError } from '../../../src/core/errors.ts';
import {
  buildTinyLlama, buildTinyMmproj, ensureGgufFixtures, gv, withKey, withoutKeys, withoutTensors, writeGguf,
  type GgufFixtures,
} from '../../../src/fixtures/gguf/index.ts';

let dir: string;
let fx: GgufFixtures;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-preflight-'));
  fx = await ensureGgufFixtures(dir);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function rejection(p: Promise<unknown>): Promise<ModelFileError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

describe('preflightGguf', () => {
  it('accepts the generated text model with either mmproj and reports what it read', async () => {
    const r15 = await preflightGguf(fx.textModel, fx.mmproj15);
    expect(r15).toMatchObject({ architecture: 'llama', nEmbd: 64, quantization: 'F16', projectorType: 'mlp', warnings: [] });
    const r16 = await preflightGguf(fx.textModel, fx.mmproj16);
    expect(r16.mmproj?.tensors.has('v.image_newline')).toBe(true);
  });

  it('rejects an mmproj whose projection size does not match the text model, naming the mmproj', async () => {
    const err = await rejection(preflightGguf(fx.textModel, fx.mismatchedMmproj));
    expect(err.file).toBe(fx.mismatchedMmproj);
    expect(err.message).toContain(fx.mismatchedMmproj!);
    expect(err.message).toMatch(/48 .*embedding size 64/);
    expect(err.hint).toBeTruthy();
  });

  // These omissions segfault libmtmd (llama.cpp `tools/mtmd/clip.cpp`): preflight must name them.
  for (const tensor of ['v.position_embd.weight', 'v.patch_embd.weight', 'mm.0.weight', 'mm.2.bias', 'v.blk.1.attn_q.weight']) {
    it(`rejects an mmproj without tensor ${tensor}`, async () => {
      const file = await writeGguf(path.join(dir, `no-${tensor}.gguf`), withoutTensors(buildTinyMmproj(), tensor));
      const err = await rejection(preflightGguf(fx.textModel, file));
      expect(err.file).toBe(file);
      expect(err.field).toBe(tensor);
      expect(err.message).toContain(`missing tensor ${tensor}`);
    });
  }

  for (const key of ['clip.projector_type', 'clip.vision.patch_size', 'clip.vision.image_mean']) {
    it(`rejects an mmproj without key ${key}`, async () => {
      const file = await writeGguf(path.join(dir, `no-${key}.gguf`), withoutKeys(buildTinyMmproj(), key));
      const err = await rejection(preflightGguf(fx.textModel, file));
      expect(err.field).toBe(key);
    });
  }

  it('rejects a LLaVA-1.6 mmproj (spatial_unpad) without image_newline', async () => {
    const file = await writeGguf(path.join(dir, 'no-newline.gguf'), withoutTensors(buildTinyMmproj({ variant: 'llava-1.6' }), 'v.image_newline'));
    expect((await rejection(preflightGguf(fx.textModel, file))).field).toBe('v.image_newline');
  });

  // These omissions abort llama.cpp with GGML_ASSERT (exit 134) or give an unhelpful load failure.
  for (const key of ['llama.feed_forward_length', 'llama.attention.head_count', 'general.architecture', 'tokenizer.ggml.tokens', 'llama.attention.layer_norm_rms_epsilon']) {
    it(`rejects a text model without key ${key}`, async () => {
      const file = await writeGguf(path.join(dir, `llm-no-${key}.gguf`), withoutKeys(buildTinyLlama(), key));
      const err = await rejection(preflightGguf(file));
      expect(err.file).toBe(file);
      expect(err.field).toBe(key);
    });
  }

  it('rejects a zero-sized hyperparameter and a missing layer tensor', async () => {
    const zero = await writeGguf(path.join(dir, 'llm-zero-ffn.gguf'), withKey(buildTinyLlama(), 'llama.feed_forward_length', gv.u32(0)));
    expect((await rejection(preflightGguf(zero))).message).toMatch(/feed_forward_length must be ≥ 1/);
    const noFfn = await writeGguf(path.join(dir, 'llm-no-ffn-up.gguf'), withoutTensors(buildTinyLlama(), 'blk.1.ffn_up.weight'));
    expect((await rejection(preflightGguf(noFfn))).field).toBe('blk.1.ffn_up.weight');
  });

  it('rejects truncated files, non-GGUF files, missing files and swapped model/mmproj', async () => {
    const bytes = await readFile(fx.textModel);
    const truncated = path.join(dir, 'truncated.gguf');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 1000));
    expect((await rejection(preflightGguf(truncated))).message).toMatch(/truncated/);
    const headerCut = path.join(dir, 'header-cut.gguf');
    await writeFile(headerCut, bytes.subarray(0, 3000));
    expect((await rejection(preflightGguf(headerCut))).message).toMatch(/truncated/);
    const png = path.join(dir, 'not.gguf');
    await writeFile(png, Buffer.from('\x89PNG\r\n\x1a\nxxxxxxxxxxxx', 'latin1'));
    expect((await rejection(preflightGguf(png))).message).toMatch(/not a GGUF file/);
    const missing = await rejection(preflightGguf(path.join(dir, 'nope.gguf')));
    expect(missing.message).toMatch(/ENOENT/);
    expect((await rejection(preflightGguf(fx.mmproj15, fx.textModel))).field).toBe('general.architecture');
  });
});
