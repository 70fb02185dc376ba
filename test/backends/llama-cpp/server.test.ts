import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type LlamaCppBackend } from '../../../backends/llama-cpp/index.ts';
import sharp from 'sharp';
import { LLAMA_CPP_MEDIA_MARKER, llamaCppImageTokens } from '../../../backends/llama-cpp/families.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { ensureGgufFixtures, type GgufFixtures } from '../../../src/fixtures/gguf/index.ts';
import { findLlamaCppRuntime } from '../../../src/runtimes/llama-cpp.ts';
import { mtmdCliAnswer, sameAnswer } from '../../../src/runtimes/native.ts';
import { imageRequest, noSignal, tinyModelConfig, writeTestImages } from './helpers.ts';

/**
 * The managed llama-server route against llama-mtmd-cli of the same build (image prompts, greedy,
 * token for token) and against the in-process route (text prompts). Needs `vlmbench runtimes build
 * llama.cpp`; CI builds it, locally these skip with the reason printed.
 */
const runtime = findLlamaCppRuntime();
if (!runtime) console.log('skipping llama-server route tests: no managed llama.cpp build (run: vlmbench runtimes build llama.cpp)');

/** Byte tokens 0x80–0xFF (ids 131–258 of the fixture vocabulary) can form invalid UTF-8: banned on both sides. */
const BAN_HIGH_BYTES: Array<[number, false]> = Array.from({ length: 128 }, (_, i) => [131 + i, false]);

const ASCII = 'root ::= [\\x01-\\x7F]*';

let dir: string;
let fx: GgufFixtures;
let images: Record<'quadrants' | 'red' | 'wide' | 'square64', string>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-server-'));
  fx = await ensureGgufFixtures(path.join(dir, 'fx'));
  images = await writeTestImages(dir);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe.skipIf(!runtime)('llama-cpp backend, runtime: server (managed llama-server)', () => {
  let server: LlamaCppBackend;
  beforeAll(async () => {
    server = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: fx.mmproj15, runtime: 'server', slots: 2 }), { log: () => {} });
  }, 60_000);
  afterAll(async () => { await server?.close(); });

  it('reports the managed runtime, explicit threads and slots', () => {
    expect(server.info.runtime).toMatch(/^llama-server llama\.cpp [0-9a-f]{7}/);
    expect(server.info.runtimeCommit).toBe(runtime!.commit);
    expect(server.runtime.threads).toBe(1);
    expect(server.capabilities.parallelSequences).toBe(2);
  });

  it('answers image prompts token for token like llama-mtmd-cli of the same build', async () => {
    const family = getFamily('llava-1.5');
    let same = 0;
    const all = Object.values(images);
    for (const image of all) {
      const req = imageRequest(image, 24, { logitBias: BAN_HIGH_BYTES });
      const out = await server.generate(req, noSignal());
      const { prompt, stop } = family.renderPrompt(req.messages, { imageMarker: LLAMA_CPP_MEDIA_MARKER });
      expect(out.prompt).toBe(prompt);
      const native = (await mtmdCliAnswer(runtime!, {
        model: fx.textModel, mmproj: fx.mmproj15, image, prompt, maxTokens: 24, threads: 1, contextSize: 512, ban: BAN_HIGH_BYTES.map(([t]) => t),
      }));
      expect(out.text.length, path.basename(image)).toBeGreaterThan(0);
      if (sameAnswer(out.text, native, stop)) same++;
      else expect(out.text, path.basename(image)).toBe(native);
      // The image tokens the server evaluated are what the family says this mmproj costs.
      expect(out.usage.imageTokens).toBe(16);
      expect(out.timings.prefillMs).toBeGreaterThan(0);
      expect(out.usage.completionTokens).toBeGreaterThan(0);
    }
    expect(same).toBe(all.length);
  }, 120_000);

  it('decodes two requests at once and aborts one without disturbing the other', async () => {
    const req: VlmRequest = { sampleId: 't', messages: [userMessage('Tell a long story.')], params: { maxTokens: 400, temperature: 0, ignoreEos: true, logitBias: BAN_HIGH_BYTES } };
    const ac = new AbortController();
    const aborted = server.generate(req, { signal: ac.signal, onToken: () => ac.abort() });
    const kept = server.generate({ ...req, params: { ...req.params, maxTokens: 32 } }, noSignal());
    await expect(aborted).rejects.toMatchObject({ code: 'E_ABORTED' });
    const out = await kept;
    expect(out.usage.completionTokens).toBe(32);
    expect(out.finishReason).toBe('length');
  }, 60_000);
});

describe.skipIf(!runtime)('llama-cpp backend: server route vs in process on text prompts', () => {
  it('gives the same greedy answers', async () => {
    const config = (rt: 'server' | 'in-process') => tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: fx.mmproj15, runtime: rt });
    const server = await createBackend(config('server'), { log: () => {} });
    const inProcess = await createBackend(config('in-process'), { log: () => {} });
    try {
      const prompts = ['Describe the image.', 'Is the answer yes or no?', 'What is red?', 'the image is', 'Count to five.', 'Name a color.'];
      const pairs = [];
      for (const p of prompts) {
        // In process cannot ban tokens (@fugood ignores logit_bias), so both sides keep answers in ASCII with
        // the same grammar: random weights would otherwise produce invalid UTF-8, which llama-server refuses.
        const req: VlmRequest = { sampleId: p, messages: [userMessage(p)], params: { maxTokens: 24, temperature: 0, grammar: ASCII } };
        const [a, b] = [await server.generate(req, noSignal()), await inProcess.generate(req, noSignal())];
        pairs.push([a.text, b.text]);
        expect(a.usage.promptTokens).toBe(b.usage.promptTokens);
      }
      for (const [a, b] of pairs) expect(a).toBe(b);
    } finally {
      await server.close();
      await inProcess.close();
    }
  }, 120_000);
});

describe.skipIf(!runtime)('llama-cpp backend, runtime: server, LLaVA-1.6 (AnyRes)', () => {
  it('counts the image tokens libmtmd counts in process (no warning)', async () => {
    const logs: string[] = [];
    const config = (rt: 'server' | 'in-process') => tinyModelConfig({ family: 'llava-1.6', model: fx.textModel, mmproj: fx.mmproj16, runtime: rt, contextSize: 1024 });
    const server = await createBackend(config('server'), { log: (m) => logs.push(m) });
    const inProcess = await createBackend(config('in-process'), { log: () => {} });
    try {
      for (const image of [images.wide, images.square64]) {
        const req = imageRequest(image, 4, { logitBias: BAN_HIGH_BYTES });
        const a = await server.generate(req, noSignal());
        const b = await inProcess.generate({ ...req, params: { maxTokens: 4, temperature: 0 } }, noSignal());
        expect(a.usage.imageTokens, path.basename(image)).toBe(b.usage.imageTokens);
      }
      expect(logs.filter((l) => /image tokens/.test(l))).toEqual([]);
    } finally {
      await server.close();
      await inProcess.close();
    }
  }, 120_000);

  it('evaluates exactly the tokens llamaCppImageTokens predicts: one tile up to the tile size, overview + whole tiles above', async () => {
    const logs: string[] = [];
    const server = await createBackend(tinyModelConfig({ family: 'llava-1.6', model: fx.textModel, mmproj: fx.mmproj16, runtime: 'server', contextSize: 1024 }), { log: (m) => logs.push(m) });
    // The fixture mmproj: 32 px tiles, patch 8, pinpoints 32×64, 64×32, 64×64 (stored as width, height).
    const overrides = { imageSize: 32, patchSize: 8, pinpoints: [[32, 64], [64, 32], [64, 64]] as Array<[number, number]> };
    try {
      const seen: Record<string, number> = {};
      for (const [w, h] of [[30, 20], [32, 32], [33, 32], [96, 40], [40, 96], [64, 64], [200, 50], [45, 70]] as const) {
        const png = await sharp({ create: { width: w, height: h, channels: 3, background: { r: w, g: h, b: 90 } } }).png().toBuffer();
        const out = await server.generate(imageRequest({ kind: 'buffer', data: png, name: `${w}x${h}.png` }, 2, { logitBias: BAN_HIGH_BYTES }), noSignal());
        seen[`${w}x${h}`] = out.usage.imageTokens!;
        expect(out.usage.imageTokens, `${w}x${h}`).toBe(llamaCppImageTokens(getFamily('llava-1.6'), w, h, overrides));
      }
      // Not the HF count (unpadded grid + newlines): a 96×40 image is 52 tokens in transformers, 48 here.
      expect(seen).toMatchObject({ '30x20': 16, '32x32': 16, '96x40': 48, '64x64': 80 });
      expect(getFamily('llava-1.6').imageTokens(96, 40, overrides)).toBe(52);
      expect(logs.filter((l) => /image tokens/.test(l))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});
