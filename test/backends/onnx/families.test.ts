import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLoop } from '../../../backends/onnx/generate.ts';
import { preparePrompt, visionOverrides } from '../../../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import type { OnnxModel } from '../../../backends/onnx/model.ts';
import { getFamily } from '../../../src/families/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { noAbort, request, testImage, tinyBackend, tinyModels } from './helpers.ts';

/**
 * The tiny LLaVA v1, TinyLLaVA and VILA exports through the ONNX backend: each family's image-token
 * count as `vlmbench models tokens` computes it, its template's special tokens, and the KV-cache
 * decode against one full-sequence forward of the same decoder (the parity check for the
 * architectures transformers.js does not implement; LLaVA v1 is also checked against
 * transformers.js in parity.test.ts).
 */

type Dirs = Awaited<ReturnType<typeof tinyModels>>;
let dirs: Dirs;
beforeAll(async () => { dirs = await tinyModels(); });

interface Case { name: string; dir: Exclude<keyof Dirs, 'root'>; family: string; merge: 'repeat' | 'splice'; template?: string }
const CASES: Case[] = [
  { name: 'llava-v1', dir: 'llavaV1', family: 'llava-v1', merge: 'repeat' },
  { name: 'tinyllava (phi)', dir: 'tinyllava', family: 'tinyllava', merge: 'splice' },
  { name: 'vila (llama_3)', dir: 'vila', family: 'vila', merge: 'splice', template: 'llama_3' },
  { name: 'vila (vicuna_v1)', dir: 'vilaVicuna', family: 'vila', merge: 'splice' },
];

describe.each(CASES)('ONNX backend: $name', (c) => {
  it('usage.imageTokens equals `vlmbench models tokens` for the export\'s sizes', async () => {
    const backend = await tinyBackend(dirs[c.dir], c.family, { merge: c.merge }, c.template);
    try {
      const model = await loadOnnxModel({ dir: dirs[c.dir], dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
      const o = visionOverrides(model);
      await model.close();
      const cli = await runCli(['models', 'tokens', '--family', c.family, '--size', '57x31', '--image-size', String(o.imageSize), '--patch-size', String(o.patchSize), '--json']);
      expect(cli.code, cli.stderr).toBe(0);
      const expected = JSON.parse(cli.stdout).rows[0].tokens as number;
      const out = await backend.generate(request(await testImage(57, 31, [200, 40, 40], [40, 40, 200]), 'What is this?', { maxTokens: 4 }), noAbort());
      expect(out.usage.imageTokens).toBe(expected);
      expect(out.usage.completionTokens).toBeGreaterThan(0);
    } finally {
      await backend.close?.();
    }
  });

  it('incremental KV-cache decode picks the argmax of one full-sequence forward at every step', async () => {
    const model: OnnxModel = await loadOnnxModel({ dir: dirs[c.dir], dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
    try {
      const family = getFamily(c.family);
      const req = request(await testImage(33, 45, [10, 200, 90], [250, 250, 20]), 'Describe the image.', { maxTokens: 12, ignoreEos: true });
      const prepared = await preparePrompt(model, family, req, { merge: c.merge, template: c.template });
      const { tokenIds } = await decodeLoop(model, { ...prepared, embeds: prepared.embeds.slice() }, { ...req.params, seed: 0, stop: [] }, noAbort(), { start: performance.now(), startedAt: Date.now() });
      expect(tokenIds).toHaveLength(12);

      // One call over prompt + generated tokens, no cache, logits for every position.
      const generated = await model.embed(tokenIds.slice(0, -1));
      const all = new Float32Array(prepared.embeds.length + generated.length);
      all.set(prepared.embeds);
      all.set(generated, prepared.embeds.length);
      const seq = all.length / prepared.dim;
      const full = await model.decoder.forward(model.embedsTensor(all, seq), model.decoder.emptyCache(), false);
      const argmax = (row: number): number => {
        const l = full.logits.subarray(row * full.vocab, (row + 1) * full.vocab);
        let best = 0;
        for (let i = 1; i < l.length; i++) if (l[i]! > l[best]!) best = i;
        return best;
      };
      const start = prepared.ids.positions - 1;
      expect(tokenIds.map((_, k) => argmax(start + k))).toEqual(tokenIds);
    } finally {
      await model.close();
    }
  });
});

describe('family tokenizer behaviour in the prompt', () => {
  let tiny: OnnxModel;
  let vila: OnnxModel;
  beforeAll(async () => {
    tiny = await loadOnnxModel({ dir: dirs.tinyllava, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
    vila = await loadOnnxModel({ dir: dirs.vila, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
  });
  afterAll(async () => { await tiny?.close(); await vila?.close(); });

  it('TinyLLaVA phi: no BOS (Phi-2 adds none), one spliced placeholder, EOS <|endoftext|>', async () => {
    const req = request(await testImage(20, 20, [1, 2, 3], [4, 5, 6]), 'Hi');
    const p = await preparePrompt(tiny, getFamily('tinyllava'), req, { merge: 'splice' });
    expect(p.prompt.startsWith('A chat between')).toBe(true);
    expect(p.ids.ids[0]).toBe(tiny.tokenizer.encode('A', { add_special_tokens: false }).ids[0]);
    expect(p.ids.ids.filter((id) => id === -200)).toHaveLength(1);
    expect(tiny.config.eosTokenIds).toEqual([tiny.tokenizer.token_to_id('<|endoftext|>')]);
  });

  it('VILA llama_3: <|begin_of_text|> from the tokenizer and from the template text, header tokens as single ids', async () => {
    const req = request(await testImage(20, 20, [1, 2, 3], [4, 5, 6]), 'Hi');
    const p = await preparePrompt(vila, getFamily('vila'), req, { merge: 'splice', template: 'llama_3' });
    const bot = vila.tokenizer.token_to_id('<|begin_of_text|>');
    // tokenizer_image_token keeps the tokenizer's BOS and the template's literal one (as upstream).
    expect(p.ids.ids.slice(0, 3)).toEqual([bot, bot, vila.tokenizer.token_to_id('<|start_header_id|>')]);
    expect(p.ids.ids.filter((id) => id === vila.tokenizer.token_to_id('<|eot_id|>'))).toHaveLength(2);
    expect(vila.config.eosTokenIds).toContain(vila.tokenizer.token_to_id('<|eot_id|>'));
  });
});
