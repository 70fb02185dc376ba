import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLoop } from '../../../backends/onnx/generate.ts';
import { preparePrompt, visionOverrides } from '../../../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import { imagesOf } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { noAbort, request, testImage, tinyModels } from './helpers.ts';

/**
 * Independent parity: transformers.js 4.3.2 (its own processor, tokenizer, merge and generation loop)
 * on the same export, prompt and pixel values must produce exactly our tokens (merge style repeat,
 * the one transformers.js implements). Pixel values come from the family, the single source of
 * preprocessing: transformers.js's CLIP processor crops where LLaVA-1.5 pads.
 */
describe.each([
  { family: 'llava-1.5', dir: 'llava15' },
  // LLaVA v1 (CLIP class token, layer −2, linear projector, Llama rotary decoder) in the llava-hf layout.
  { family: 'llava-v1', dir: 'llavaV1' },
] as const)('ONNX backend vs transformers.js: $family', ({ family: key, dir }) => {
  it('same prompt ids and the same greedy tokens', async () => {
    const llava15 = (await tinyModels())[dir];
    const family = getFamily(key);
    const model = await loadOnnxModel({ dir: llava15, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
    const req = request(await testImage(40, 28, [220, 60, 20], [20, 120, 200]), 'What is shown in the picture?', { maxTokens: 24 });
    const prepared = await preparePrompt(model, family, req, { merge: 'repeat' });
    const ours = await decodeLoop(model, prepared, { ...req.params, seed: 0 }, noAbort(), { start: performance.now(), startedAt: Date.now() });

    const tf = await import('@huggingface/transformers');
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.useFSCache = false;
    tf.env.localModelPath = `${path.dirname(llava15)}/`;
    const name = path.basename(llava15);
    const processor = await tf.AutoProcessor.from_pretrained(name);
    const hf = await tf.LlavaForConditionalGeneration.from_pretrained(name, {
      dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
    });
    const pre = await family.preprocess(imagesOf(req)[0]!, visionOverrides(model));
    // The processor expands <image> from the pixel size; feed it an image of the tile size.
    const image = new tf.RawImage(new Uint8ClampedArray(pre.shape[2] * pre.shape[3] * 3), pre.shape[3], pre.shape[2], 3);
    const inputs = await processor(image, prepared.prompt);
    expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)).toEqual(prepared.ids.ids);

    const out = await hf.generate({
      input_ids: inputs.input_ids, attention_mask: inputs.attention_mask,
      pixel_values: new tf.Tensor('float32', pre.data, pre.shape),
      max_new_tokens: 24, do_sample: false,
    }) as import('@huggingface/transformers').Tensor;
    const hfIds = Array.from(out.data as BigInt64Array, Number).slice(prepared.ids.positions);
    // transformers.js keeps the EOS it stopped at; we do not emit it.
    const eos = model.config.eosTokenIds;
    const trimmed = eos.includes(hfIds.at(-1)!) ? hfIds.slice(0, -1) : hfIds;
    expect(ours.tokenIds.length).toBeGreaterThan(3);
    expect(ours.tokenIds).toEqual(trimmed);
    await hf.dispose();
    await model.close();
  });
});
