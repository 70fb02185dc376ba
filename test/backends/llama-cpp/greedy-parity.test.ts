import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/llama-cpp/index.ts';
import { userMessage } from '../../../src/core/request.ts';
import { buildTinyLlama, writeGguf } from '../../../src/fixtures/gguf/index.ts';
import { noSignal, SLOW_TEXT_MODEL, tinyModelConfig } from './helpers.ts';

let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-greedy-'));
  // The wider model: with random weights its logits are close, so any non-greedy sampling shows.
  model = await writeGguf(path.join(dir, 'parity.gguf'), buildTinyLlama(SLOW_TEXT_MODEL));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Greedy continuation with node-llama-cpp (another binding, another build of llama.cpp). */
async function nodeLlamaGreedy(file: string, prompt: string, maxTokens: number): Promise<string> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  const m = await llama.loadModel({ modelPath: file });
  const ctx = await m.createContext({ contextSize: 512, threads: 1 });
  try {
    const seq = ctx.getSequence();
    const tokens = [m.tokens.bos!, ...m.tokenize(prompt)];
    const out = [];
    for await (const t of seq.evaluate(tokens, { temperature: 0 })) {
      if (m.isEogToken(t)) break;
      out.push(t);
      if (out.length >= maxTokens) break;
    }
    return m.detokenize(out);
  } finally {
    await ctx.dispose();
    await m.dispose();
    await llama.dispose();
  }
}

describe('greedy decoding (temperature 0)', () => {
  it('does not depend on the seed and matches node-llama-cpp token for token', async () => {
    const answer = async (seed: number): Promise<{ text: string; prompt: string }> => {
      const backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model, contextSize: 512 }), { log: () => {} });
      try {
        const out = await backend.generate({ sampleId: 'g', messages: [userMessage('Hi')], params: { maxTokens: 40, temperature: 0, seed } }, noSignal());
        return { text: out.text, prompt: out.prompt! };
      } finally {
        await backend.close();
      }
    };
    const a = await answer(0);
    const b = await answer(12345);
    expect(b.text).toBe(a.text);
    expect(await nodeLlamaGreedy(model, a.prompt, 40)).toBe(a.text);
  });
});
