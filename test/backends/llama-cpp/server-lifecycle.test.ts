import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type LlamaCppBackend } from '../../../backends/llama-cpp/index.ts';
import { ModelConfig } from '../../../src/config/schema.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import type { TokenEvent } from '../../../src/core/response.ts';
import { writeFile } from 'node:fs/promises';
import { buildTinyLlama, encodeGguf, ensureGgufFixtures, type GgufFixtures } from '../../../src/fixtures/gguf/index.ts';
import { loadBackend } from '../../../src/runner/backends.ts';
import { findLlamaCppRuntime } from '../../../src/runtimes/llama-cpp.ts';
import { noSignal, tinyModelConfig } from './helpers.ts';

/**
 * How the managed llama-server route answers and survives: scored answers in one piece, timing requests
 * and token listeners streamed, a dead llama-server replaced (bounded), and no child process around it
 * when loaded through the registry. Needs `vlmbench runtimes build llama.cpp` (CI builds it).
 */
const runtime = findLlamaCppRuntime();
if (!runtime) console.log('skipping llama-server lifecycle tests: no managed llama.cpp build (run: vlmbench runtimes build llama.cpp)');

/** Byte tokens 0x80–0xFF of the fixture vocabulary: random weights would emit invalid UTF-8. */
const BAN: Array<[number, false]> = Array.from({ length: 128 }, (_, i) => [131 + i, false]);
const story = (maxTokens: number, purpose?: VlmRequest['purpose']): VlmRequest => ({
  sampleId: 'story', messages: [userMessage('Tell a long story.')], params: { maxTokens, temperature: 0, ignoreEos: true, logitBias: BAN }, ...(purpose && { purpose }),
});

/** llama-server processes started for this model file (the fixture folder is this file's own). */
function serverPids(model: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `llama-server -m ${model}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch { return []; }
}
const parentOf = (pid: number): number => Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());

let dir: string;
let fx: GgufFixtures;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-server-life-'));
  fx = await ensureGgufFixtures(path.join(dir, 'fx'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe.skipIf(!runtime)('llama-cpp server route: one piece or streamed', () => {
  let backend: LlamaCppBackend;
  beforeAll(async () => { backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, runtime: 'server' }), { log: () => {} }); }, 60_000);
  afterAll(async () => { await backend?.close(); });

  it('answers a scored request in one piece and streams a timing request, with the same greedy text', async () => {
    const scored = await backend.generate(story(48), noSignal());
    expect(scored.timings.firstTokenMs).toBeUndefined();
    expect(scored.timings.chunkMs).toHaveLength(1);
    expect(scored.timings.chunkTokens).toEqual([48]);
    expect(scored.timings.prefillMs).toBeGreaterThan(0);

    const timed = await backend.generate(story(48, 'timing'), noSignal());
    expect(timed.timings.firstTokenMs).toBeGreaterThan(0);
    expect(timed.timings.chunkMs.length).toBeGreaterThan(10);
    expect(timed.timings.chunkTokens.reduce((a, b) => a + b, 0)).toBe(48);
    expect(timed.text).toBe(scored.text);
    expect(timed.usage.completionTokens).toBe(48);
  }, 60_000);

  it('streams when a token listener is given (vlmbench serve), even for a scored request', async () => {
    const events: TokenEvent[] = [];
    const out = await backend.generate(story(24), { ...noSignal(), onToken: (e) => events.push(e) });
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((e) => e.text).join('')).toBe(out.text);
    expect(out.timings.firstTokenMs).toBe(events[0]!.atMs);
  }, 60_000);
});

describe.skipIf(!runtime)('llama-cpp server route: a context the server will not give', () => {
  it('warns when contextSize exceeds the model\'s training context (llama-server caps each slot there)', async () => {
    const short = path.join(dir, 'short-context.gguf');
    await writeFile(short, encodeGguf(buildTinyLlama({ contextLength: 256 })));
    const logs: string[] = [];
    const backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: short, runtime: 'server', contextSize: 512 }), { log: (m) => logs.push(m) });
    try {
      const warning = /contextSize 512 is more than the model's training context 256: llama-server caps each slot at 256 tokens/;
      expect(backend.info.warnings?.some((w) => warning.test(w))).toBe(true);
      expect(logs.some((l) => warning.test(l))).toBe(true);
      // The cap is real: 400 tokens asked, the slot ends at 256 (prompt included).
      const out = await backend.generate(story(400), noSignal());
      expect(out.usage.promptTokens + out.usage.completionTokens).toBeLessThanOrEqual(256);
    } finally {
      await backend.close();
    }
    const fits = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, runtime: 'server', contextSize: 512 }), { log: () => {} });
    try {
      expect(fits.info.warnings?.some((w) => /training context/.test(w)) ?? false).toBe(false);
    } finally {
      await fits.close();
    }
  }, 60_000);
});

describe.skipIf(!runtime)('llama-cpp server route: a llama-server that dies', () => {
  it('fails the request in flight (E_CRASH, not retried), then answers on a fresh server; gives up after 3 restarts', async () => {
    const logs: string[] = [];
    const backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model: fx.textModel, runtime: 'server' }), { log: (m) => logs.push(m) });
    try {
      const before = await backend.generate(story(16), noSignal());
      const [pid] = serverPids(fx.textModel);
      expect(pid).toBeGreaterThan(0);
      // Killed at the first streamed token: the answer in flight cannot finish.
      const inFlight = backend.generate(story(1500), { ...noSignal(), onToken: () => { try { process.kill(pid!, 'SIGKILL'); } catch { /* already gone */ } } });
      await expect(inFlight).rejects.toMatchObject({ code: 'E_CRASH', retryable: false, message: expect.stringMatching(/exited during this request \(signal SIGKILL; its log names no reason/) });

      const after = await backend.generate(story(16), noSignal());
      expect(after.text).toBe(before.text);
      expect(serverPids(fx.textModel)).not.toContain(pid);
      expect(logs.filter((l) => /starting a fresh one \(restart 1 of 3\)/.test(l))).toHaveLength(1);

      // Killed while idle, three more times: restarts 2 and 3 answer, the fourth death is final.
      for (const restart of [2, 3]) {
        for (const p of serverPids(fx.textModel)) process.kill(p, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        expect((await backend.generate(story(8), noSignal())).usage.completionTokens).toBe(8);
        expect(logs.some((l) => l.includes(`restart ${restart} of 3`))).toBe(true);
      }
      for (const p of serverPids(fx.textModel)) process.kill(p, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      await expect(backend.generate(story(8), noSignal())).rejects.toMatchObject({ code: 'E_CRASH', message: expect.stringMatching(/died 4 times; giving up/) });
    } finally {
      await backend.close();
    }
    expect(serverPids(fx.textModel)).toEqual([]);
  }, 120_000);
});

describe.skipIf(!runtime)('llama-cpp through the registry', () => {
  it('runs the server route in this process (llama-server is its own child), the in-process route behind a child process', async () => {
    const config = (rt: 'auto' | 'in-process') => ModelConfig.parse({
      id: `registry-${rt}`, family: 'llava-1.5', backend: { type: 'llama-cpp', model: fx.textModel, threads: 1, contextSize: 512, runtime: rt },
    });
    const auto = await loadBackend(config('auto'), { fixturesDir: dir, log: () => {} });
    try {
      expect(auto.info.runtime).toMatch(/^llama-server/);
      const [pid] = serverPids(fx.textModel);
      expect(parentOf(pid!)).toBe(process.pid);
      expect((await auto.generate(story(8), noSignal())).usage.completionTokens).toBe(8);
    } finally {
      await auto.close?.();
    }
    const inProcess = await loadBackend(config('in-process'), { fixturesDir: dir, log: () => {} });
    try {
      expect(inProcess.info.runtime).not.toMatch(/^llama-server/);
      // The @fugood addon is loaded by a forked child, never by this test process.
      const children = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
      expect(children.some((c) => /child\.ts/.test(execFileSync('ps', ['-o', 'args=', '-p', String(c)], { encoding: 'utf8' })))).toBe(true);
    } finally {
      await inProcess.close?.();
    }
  }, 120_000);
});

// Checked before a runtime is chosen, so the in-process route (no build needed) shows it for both.
describe('llama-cpp: a family the mmproj contradicts', () => {
  it('warns when a LLaVA-1.6 model is given a projector without AnyRes, and the reverse; not when they agree', async () => {
    const warnOf = async (family: 'llava-1.5' | 'llava-1.6', mmproj: string): Promise<string[]> => {
      const b = await createBackend(tinyModelConfig({ family, model: fx.textModel, mmproj, runtime: 'in-process' }), { log: () => {} });
      try { return (b.info.warnings ?? []).filter((w) => /grid pinpoints/.test(w)); } finally { await b.close(); }
    };
    expect(await warnOf('llava-1.6', fx.mmproj15)).toEqual([expect.stringMatching(/family llava-1\.6, but .* has no AnyRes grid pinpoints: it looks like a LLaVA-1\.5 projector/)]);
    expect(await warnOf('llava-1.5', fx.mmproj16)).toEqual([expect.stringMatching(/family llava-1\.5, but .* has AnyRes grid pinpoints: it looks like a LLaVA-1\.6 projector/)]);
    expect(await warnOf('llava-1.5', fx.mmproj15)).toEqual([]);
    expect(await warnOf('llava-1.6', fx.mmproj16)).toEqual([]);
  }, 60_000);
});
