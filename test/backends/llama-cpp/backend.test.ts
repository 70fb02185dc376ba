import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, LLAMA_CPP_FAMILIES, type LlamaCppBackend } from '../../../backends/llama-cpp/index.ts';
import { BackendError, ConfigError, ModelFileError } from '../../../src/core/errors.ts';
import { userMessage } from '../../../src/core/request.ts';
import type { TokenEvent } from '../../../src/core/response.ts';
import { buildTinyLlama, buildTinyMmproj, ensureGgufFixtures, withoutTensors, writeGguf, type GgufFixtures } from '../../../src/fixtures/gguf/index.ts';
import { imageRequest, noSignal, SLOW_TEXT_MODEL, tinyModelConfig, writeTestImages } from './helpers.ts';

const run = promisify(execFile);
let dir: string;
let fx: GgufFixtures;
let images: Awaited<ReturnType<typeof writeTestImages>>;
let backend: LlamaCppBackend;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-llama-backend-'));
  fx = await ensureGgufFixtures(dir);
  images = await writeTestImages(dir);
  backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: fx.mmproj15 }), { log: () => {} });
});
afterAll(async () => {
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('llama-cpp backend on the tiny LLaVA-1.5 GGUF', () => {
  it('loads, describes itself and uses the configured thread count', () => {
    expect(backend.info).toMatchObject({
      backend: 'llama-cpp', family: 'llava-1.5', files: [fx.textModel, fx.mmproj15], quantization: 'F16',
      device: 'cpu', runtime: '@fugood/llama.node@1.7.15', warnings: [],
    });
    expect(backend.capabilities).toMatchObject({ images: true, streaming: true, parallelSequences: 1 });
    expect(backend.runtime.threads).toBe(1);
    expect(backend.runtime.systemInfo).toMatch(/n_threads = 1\b/);
  });

  it('answers with streamed tokens, usage with image tokens, and timings', async () => {
    const events: TokenEvent[] = [];
    const out = await backend.generate(imageRequest(images.quadrants, 16, { ignoreEos: true }), { ...noSignal(), onToken: (e) => events.push(e) });
    expect(out.text.length).toBeGreaterThan(0);
    expect(out.finishReason).toBe('length');
    // 32 px tile / patch 8 = 16 image tokens inside the prompt.
    expect(out.usage).toMatchObject({ imageTokens: 16, completionTokens: 16, source: 'backend' });
    expect(out.usage.promptTokens).toBeGreaterThan(16 + 10);
    expect(out.prompt).toContain('USER: <__media__>\nWhat is in the image? ASSISTANT:');
    // Streamed pieces are the answer, in order, with non-decreasing arrival times.
    expect(events.map((e) => e.text).join('')).toBe(out.text);
    const t = out.timings;
    expect(t.chunkMs).toEqual(events.map((e) => e.atMs));
    expect(t.chunkTokens).toHaveLength(t.chunkMs.length);
    for (let i = 1; i < t.chunkMs.length; i++) expect(t.chunkMs[i]).toBeGreaterThanOrEqual(t.chunkMs[i - 1]!);
    expect(t.firstTokenMs).toBe(t.chunkMs[0]);
    expect(t.endMs).toBeGreaterThanOrEqual(t.chunkMs.at(-1)!);
    expect(t.prefillMs).toBeGreaterThan(0);
    expect(t.prefillMs!).toBeLessThanOrEqual(t.firstTokenMs!);
    // libmtmd does not return its encode time (it is inside prefillMs): not reported rather than guessed.
    expect(t.visionEncodeMs).toBeUndefined();
    expect(out.serverMetrics?.prompt_n).toBe(out.usage.promptTokens);
  });

  it('is greedy-deterministic; another image changes the answer; a buffer image equals its file', async () => {
    const a = await backend.generate(imageRequest(images.quadrants, 24), noSignal());
    const b = await backend.generate(imageRequest(images.quadrants, 24), noSignal());
    expect(b.text).toBe(a.text);
    const red = await backend.generate(imageRequest(images.red, 24), noSignal());
    expect(red.text).not.toBe(a.text);
    const data = await readFile(images.quadrants);
    const fromBuffer = await backend.generate(imageRequest({ kind: 'buffer', data, name: 'q.png' }, 24), noSignal());
    expect(fromBuffer.text).toBe(a.text);
  });

  it('gives the same greedy answer in two fresh processes', async () => {
    const inProcess = await backend.generate(imageRequest(images.quadrants, 24), noSignal());
    const child = fileURLToPath(new URL('./greedy-child.ts', import.meta.url));
    const once = async (): Promise<{ text: string }> => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', child, fx.textModel, fx.mmproj15, images.quadrants], { timeout: 60_000 });
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      expect(line, stdout.slice(-2000)).toBeDefined();
      return JSON.parse(line!.slice('RESULT '.length)) as { text: string };
    };
    const [p1, p2] = [await once(), await once()];
    expect(p1.text).toBe(inProcess.text);
    expect(p2.text).toBe(inProcess.text);
  });

  it('stops at a stop string and reports finishReason stop', async () => {
    const free = await backend.generate(imageRequest(images.quadrants, 24), noSignal());
    const i = [...free.text].findIndex((c, k) => k > 0 && /[A-Za-z]/.test(c));
    expect(i).toBeGreaterThan(0);
    const stopChar = [...free.text][i]!;
    const cut = free.text.slice(0, free.text.indexOf(stopChar));
    const stopped = await backend.generate(imageRequest(images.quadrants, 24, { stop: [stopChar] }), noSignal());
    expect(stopped.text).toBe(cut);
    expect(stopped.finishReason).toBe('stop');
  });

  it('aborts mid-generation promptly with E_ABORTED, and the backend keeps working', async () => {
    const slowFile = await writeGguf(path.join(dir, 'slow.gguf'), buildTinyLlama(SLOW_TEXT_MODEL));
    const slow = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: slowFile, contextSize: 2048 }), { log: () => {} });
    try {
      const req = { sampleId: 'long', messages: [userMessage('Tell a long story.')], params: { maxTokens: 1500, temperature: 0, ignoreEos: true } };
      const controller = new AbortController();
      let seen = 0;
      let abortedAt = 0;
      const err = await slow.generate(req, {
        signal: controller.signal,
        onToken: () => { if (++seen === 5) { abortedAt = performance.now(); controller.abort(); } },
      }).then(() => undefined, (e: unknown) => e);
      const stopMs = performance.now() - abortedAt;
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).code).toBe('E_ABORTED');
      // 1,500 tokens take seconds on this model; the abort ends it within a few tokens.
      expect(seen).toBeLessThan(100);
      expect(stopMs).toBeLessThan(1_000);
      const again = await slow.generate({ ...req, params: { ...req.params, maxTokens: 4 } }, noSignal());
      expect(again.usage.completionTokens).toBe(4);
    } finally {
      await slow.close();
    }
  });

  it('rejects an already-aborted signal and an abort while queued without running them', async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(backend.generate(imageRequest(images.red, 4), { signal: pre.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
    const first = backend.generate(imageRequest(images.quadrants, 64, { ignoreEos: true }), noSignal());
    const queued = new AbortController();
    const second = backend.generate(imageRequest(images.red, 64), { signal: queued.signal });
    queued.abort();
    await expect(second).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect((await first).usage.completionTokens).toBe(64);
  });

  it('answers text-only requests with zero image tokens and counts every generated token', async () => {
    const events: TokenEvent[] = [];
    const out = await backend.generate(
      { sampleId: 't', messages: [userMessage('Hello there')], params: { maxTokens: 8, temperature: 0, ignoreEos: true } },
      { ...noSignal(), onToken: (e) => events.push(e) },
    );
    expect(out.usage.imageTokens).toBe(0);
    // The runtime's own counter says 7 here; 8 tokens were generated and streamed.
    expect(out.usage.completionTokens).toBe(8);
    expect(out.finishReason).toBe('length');
    expect(out.prompt).not.toContain('<__media__>');
  });
});

describe('llama-cpp backend refuses what it cannot run, before the runtime sees it', () => {
  it('rejects a mismatched mmproj with ModelFileError naming the file; this process survives', async () => {
    const err = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: fx.mismatchedMmproj }), { log: () => {} })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).file).toBe(fx.mismatchedMmproj);
    expect((err as ModelFileError).message).toContain(fx.mismatchedMmproj!);
  });

  it('rejects an mmproj without v.position_embd.weight (a libmtmd segfault) naming file and tensor', async () => {
    const broken = await writeGguf(path.join(dir, 'no-pos.gguf'), withoutTensors(buildTinyMmproj(), 'v.position_embd.weight'));
    const err = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, mmproj: broken }), { log: () => {} })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err).toMatchObject({ file: broken, field: 'v.position_embd.weight' });
    // Still alive and still answering.
    expect((await backend.generate(imageRequest(images.red, 2), noSignal())).usage.completionTokens).toBe(2);
    // What preflight prevents: the same file handed straight to the runtime kills the process.
    const child = fileURLToPath(new URL('./raw-mmproj-child.ts', import.meta.url));
    const raw = await run(process.execPath, ['--import', 'tsx', child, fx.textModel, broken], { timeout: 60_000 })
      .then(() => ({ code: 0, signal: null }), (e: { code: number | null; signal: string | null }) => e);
    expect(raw.signal === 'SIGSEGV' || raw.code === 139).toBe(true);
  });

  it('rejects families llama.cpp cannot serve, and images without an mmproj', async () => {
    expect(LLAMA_CPP_FAMILIES).toContain('llava-1.5');
    await expect(createBackend(tinyModelConfig({ family: 'llava-v1', model: fx.textModel, mmproj: fx.mmproj15 }), { log: () => {} }))
      .rejects.toBeInstanceOf(ConfigError);
    const textOnly = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel }), { log: () => {} });
    try {
      expect(textOnly.capabilities.images).toBe(false);
      await expect(textOnly.generate(imageRequest(images.red, 2), noSignal())).rejects.toBeInstanceOf(ConfigError);
    } finally {
      await textOnly.close();
    }
  });
});
