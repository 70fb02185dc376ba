import { beforeAll, describe, expect, it } from 'vitest';
import { preparePrompt } from '../../../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import type { OnnxModel } from '../../../backends/onnx/model.ts';
import { argmax } from '../../../backends/onnx/sampling.ts';
import { getFamily } from '../../../src/families/index.ts';
import { request, testImage, tinyModels } from './helpers.ts';

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('ONNX decoder KV cache', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    const { llava15 } = await tinyModels();
    model = await loadOnnxModel({ dir: llava15, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
  });

  it('incremental decoding gives the same logits as one full forward pass (< 1e-4)', async () => {
    const img = await testImage(40, 30, [250, 10, 10], [10, 10, 250]);
    const prepared = await preparePrompt(model, getFamily('llava-1.5'), request(img, 'Describe it.'), { merge: 'repeat' });
    const promptLen = prepared.ids.positions;
    const { decoder } = model;

    let step = await decoder.forward(model.embedsTensor(prepared.embeds, promptLen), decoder.emptyCache(), true);
    const stepLogits: Float32Array[] = [step.logits.slice()];
    const generated: number[] = [];
    for (let i = 0; i < 12; i++) {
      const id = argmax(step.logits);
      generated.push(id);
      step = await decoder.forward(await model.embedStep(id), step.cache, true);
      stepLogits.push(step.logits.slice());
    }
    expect(step.cache.length).toBe(promptLen + 12);

    // One pass over prompt + generated tokens, no cache.
    const genEmbeds = await model.embed(generated);
    const all = new Float32Array(prepared.embeds.length + genEmbeds.length);
    all.set(prepared.embeds);
    all.set(genEmbeds, prepared.embeds.length);
    const full = await decoder.forward(model.embedsTensor(all, promptLen + 12), decoder.emptyCache(), false);
    const v = full.vocab;
    let worst = 0;
    stepLogits.forEach((logits, k) => {
      const row = full.logits.subarray((promptLen - 1 + k) * v, (promptLen + k) * v);
      worst = Math.max(worst, maxAbsDiff(logits, row));
    });
    expect(worst).toBeLessThan(1e-4);
    // The comparison is meaningful: logits are not flat.
    expect(Math.max(...stepLogits[0]!) - Math.min(...stepLogits[0]!)).toBeGreaterThan(1);
  });

  it('a prompt prefilled in two chunks equals a single prefill', async () => {
    const ids = model.tokenizer.encode('A chat between a curious user and an assistant.').ids;
    const embeds = await model.embed(ids);
    const d = embeds.length / ids.length;
    const cut = 7;
    const one = await model.decoder.forward(model.embedsTensor(embeds, ids.length), model.decoder.emptyCache(), true);
    const first = await model.decoder.forward(model.embedsTensor(embeds.slice(0, cut * d), cut), model.decoder.emptyCache(), true);
    const second = await model.decoder.forward(model.embedsTensor(embeds.slice(cut * d), ids.length - cut), first.cache, true);
    expect(maxAbsDiff(one.logits, second.logits)).toBeLessThan(1e-4);
  });
});
