import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/core/backend.ts';
import type { TokenEvent } from '../../../src/core/response.ts';
import { preparePrompt, visionOverrides } from '../../../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../../../backends/onnx/model.ts';
import { getFamily } from '../../../src/families/index.ts';
import { noAbort, request, testImage, tinyBackend, tinyModels } from './helpers.ts';

describe('ONNX backend generation (tiny LLaVA-1.5 export)', () => {
  let dir: string;
  let repeat: Backend;
  let splice: Backend;
  beforeAll(async () => {
    dir = (await tinyModels()).llava15;
    repeat = await tinyBackend(dir, 'llava-1.5');
    splice = await tinyBackend(dir, 'llava-1.5', { merge: 'splice' });
  });
  afterAll(async () => { await repeat.close?.(); await splice.close?.(); });

  it('greedy output is deterministic, streamed, timed and counted', async () => {
    const img = await testImage(48, 32, [200, 40, 40], [30, 30, 220]);
    const events: TokenEvent[] = [];
    const a = await repeat.generate(request(img, 'What is this?'), { ...noAbort(), onToken: (e) => events.push(e) });
    const b = await repeat.generate(request(img, 'What is this?'), noAbort());
    expect(a.text).toBe(b.text);
    expect(a.text.length).toBeGreaterThan(0);
    expect(events.map((e) => e.text).join('')).toBe(a.text);
    expect(events.reduce((n, e) => n + e.tokens, 0)).toBe(a.usage.completionTokens);
    expect(a.usage).toMatchObject({ imageTokens: 64, source: 'backend' });
    expect(a.prompt).toBe(getFamily('llava-1.5').renderPrompt(request(img, 'What is this?').messages).prompt);
    const t = a.timings;
    expect(t.chunkMs).toHaveLength(t.chunkTokens.length);
    expect(t.firstTokenMs).toBe(t.chunkMs[0]);
    for (const k of ['preprocessMs', 'visionEncodeMs', 'prefillMs'] as const) expect(t[k]).toBeGreaterThan(0);
    expect(t.endMs).toBeGreaterThanOrEqual(t.chunkMs.at(-1)!);
  });

  it('a different image changes the greedy output', async () => {
    const q = 'What is this?';
    const a = await repeat.generate(request(await testImage(48, 32, [200, 40, 40], [30, 30, 220]), q), noAbort());
    const b = await repeat.generate(request(await testImage(48, 32, [10, 220, 10], [240, 240, 0]), q), noAbort());
    expect(b.text).not.toBe(a.text);
  });

  it('splice (−200) and repeat (expanded image token) give the same tokens on this export', async () => {
    const img = await testImage(30, 50, [90, 10, 200], [10, 200, 90]);
    const a = await repeat.generate(request(img, 'Describe.'), noAbort());
    const b = await splice.generate(request(img, 'Describe.'), noAbort());
    expect(b.text).toBe(a.text);
    expect(b.usage.promptTokens).toBe(a.usage.promptTokens);
  });

  it('two images in one turn each get their own features, in prompt order', async () => {
    const a = await testImage(32, 32, [250, 0, 0], [0, 0, 250]);
    const b = await testImage(40, 24, [0, 250, 0], [250, 250, 0]);
    const req = { sampleId: 's2', messages: [{ role: 'user' as const, content: [{ type: 'image' as const, image: a }, { type: 'image' as const, image: b }, { type: 'text' as const, text: 'Compare.' }] }], params: { maxTokens: 12, temperature: 0 } };
    const model = await loadOnnxModel({ dir, dtype: '', provider: 'cpu', deviceId: 0, threads: 1 });
    const family = getFamily('llava-1.5');
    const prepared = await preparePrompt(model, family, req, { merge: 'repeat' });
    const featuresOf = async (img: typeof a) => {
      const pre = await family.preprocess(img, visionOverrides(model));
      return (await model.encodeImage(pre.data, pre.shape)).features;
    };
    const [fa, fb] = [await featuresOf(a), await featuresOf(b)];
    const first = prepared.ids.ids.indexOf(259);
    const d = prepared.dim;
    expect(prepared.imageTokens).toBe(128);
    expect(Array.from(prepared.embeds.subarray(first * d, (first + 64) * d))).toEqual(Array.from(fa));
    // '<image>\n<image>\n': the second image starts after the first one's 64 rows and the newline.
    const second = prepared.ids.ids.indexOf(259, first + 64);
    expect(Array.from(prepared.embeds.subarray(second * d, (second + 64) * d))).toEqual(Array.from(fb));
    const viaRepeat = await repeat.generate(req, noAbort());
    const viaSplice = await splice.generate(req, noAbort());
    expect(viaSplice.text).toBe(viaRepeat.text);
    expect(viaRepeat.usage.imageTokens).toBe(128);
    await model.close();
  });

  it('stops at maxTokens with finishReason length, and at a stop string with the text cut before it', async () => {
    const img = await testImage(32, 32, [1, 2, 3], [200, 100, 50]);
    const long = await repeat.generate(request(img, 'Hi', { maxTokens: 12, ignoreEos: true }), noAbort());
    expect(long.finishReason).toBe('length');
    expect(long.usage.completionTokens).toBe(12);
    const stopAt = long.text.slice(3, 5);
    const cut = await repeat.generate(request(img, 'Hi', { maxTokens: 12, ignoreEos: true, stop: [stopAt] }), noAbort());
    expect(cut.finishReason).toBe('stop');
    expect(cut.text).toBe(long.text.slice(0, long.text.indexOf(stopAt)));
  });

  it('seeded sampling is reproducible per seed and differs across seeds', async () => {
    const img = await testImage(32, 32, [100, 20, 20], [20, 20, 100]);
    const params = { maxTokens: 16, temperature: 1.5, topP: 0.95, ignoreEos: true };
    const s1 = await repeat.generate(request(img, 'Hi', { ...params, seed: 1 }), noAbort());
    const s1b = await repeat.generate(request(img, 'Hi', { ...params, seed: 1 }), noAbort());
    const s2 = await repeat.generate(request(img, 'Hi', { ...params, seed: 2 }), noAbort());
    expect(s1b.text).toBe(s1.text);
    expect(s2.text).not.toBe(s1.text);
  });

  it('an aborted request is an E_ABORTED error, not an empty answer', async () => {
    const ctl = new AbortController();
    const img = await testImage(32, 32, [1, 2, 3], [4, 5, 6]);
    const run = repeat.generate(request(img, 'Hi', { maxTokens: 200, ignoreEos: true }), { signal: ctl.signal, onToken: () => ctl.abort() });
    await expect(run).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe('ONNX backend with the folder chat template', () => {
  it('template: chat_template renders tokenizer_config.json via Jinja (same prompt as vicuna_v1 here)', async () => {
    const dir = (await tinyModels()).llava15;
    const backend = await tinyBackend(dir, 'llava-1.5', {}, 'chat_template');
    const img = await testImage(32, 32, [5, 100, 200], [200, 100, 5]);
    const out = await backend.generate(request(img, 'What is this?'), noAbort());
    expect(out.prompt).toBe(getFamily('llava-1.5').renderPrompt(request(img, 'What is this?').messages, { template: 'vicuna_v1' }).prompt);
    expect(out.usage.imageTokens).toBe(64);
    await backend.close?.();
  });
});
