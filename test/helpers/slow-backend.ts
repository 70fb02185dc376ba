/**
 * Test-only backend (a `custom` backend module): answers `echo:<sampleId>` after a delay. It can crash
 * its own process with SIGSEGV on a chosen sample, hang (blocked event loop) on one, or fail a sample with a retryable error a number
 * of times, to exercise isolation and retries through the real runner.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { ModelConfig } from '../../src/config/schema.ts';
import { BackendError } from '../../src/core/errors.ts';
import { now, type Backend, type GenerateOptions } from '../../src/core/backend.ts';
import type { VlmRequest } from '../../src/core/request.ts';

interface Options { delayMs?: number; failWhileFile?: string; loadDelayMs?: number; loadingFile?: string; hangOnReload?: boolean; crashOn?: string; crashStderrChars?: number; hangOn?: string; flakyOn?: string; flakyTimes?: number; token?: string; reportListener?: boolean }

const flakyCounts = new Map<string, number>();

export async function createBackend(model: ModelConfig): Promise<Backend> {
  if (model.backend.type !== 'custom') throw new Error('slow-backend is a custom backend');
  const o = model.backend.options as Options;
  // A slow model load; `loadingFile` gets this process's pid once loading has begun.
  // `hangOnReload`: a restarted process (loadingFile already written) never finishes loading.
  if (o.hangOnReload && o.loadingFile && existsSync(o.loadingFile)) await new Promise(() => undefined);
  if (o.loadingFile) writeFileSync(o.loadingFile, String(process.pid));
  if (o.loadDelayMs) await new Promise((r) => setTimeout(r, o.loadDelayMs));
  return {
    info: { id: model.id, family: model.family, backend: 'custom', files: [model.backend.module], device: 'cpu', runtime: `test-slow-backend pid ${process.pid}` },
    capabilities: { images: true, multiImage: true, streaming: true, parallelSequences: 64 },
    async generate(req: VlmRequest, opts: GenerateOptions) {
      const start = now();
      if (req.sampleId === o.crashOn) {
        // A runtime that dumps a huge line (a tensor, a prompt) before it dies.
        if (o.crashStderrChars) process.stderr.write(`fatal error: ${'x'.repeat(o.crashStderrChars)}\n`);
        process.kill(process.pid, 'SIGSEGV');
      }
      // A runtime stuck in native code: the event loop is blocked, so aborts are never seen.
      if (req.sampleId === o.hangOn) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      // A fault the user fixes outside the config (a server restarted): fails while the file exists.
      if (o.failWhileFile && existsSync(o.failWhileFile)) throw new BackendError('endpoint down', { code: 'E_HTTP', retryable: false, hint: 'start the server' });
      if (req.sampleId === o.flakyOn) {
        const n = (flakyCounts.get(req.sampleId) ?? 0) + 1;
        flakyCounts.set(req.sampleId, n);
        if (n <= (o.flakyTimes ?? 1)) throw new BackendError(`flaky failure ${n}`, { code: 'E_HTTP', retryable: true });
      }
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, o.delayMs ?? 0);
        opts.signal.addEventListener('abort', () => { clearTimeout(t); reject(new BackendError('aborted', { code: 'E_ABORTED' })); }, { once: true });
      });
      // `reportListener`: the answer says whether generate got a token listener (isolation passes one only when asked).
      const text = `echo:${req.sampleId}${o.reportListener ? `:listener=${opts.onToken ? 'yes' : 'no'}` : ''}`;
      const atMs = now() - start;
      opts.onToken?.({ text, tokens: 1, atMs });
      return {
        text,
        finishReason: 'stop',
        usage: { promptTokens: 4, completionTokens: 1, source: 'estimate' },
        timings: { startedAt: Date.now(), firstTokenMs: atMs, chunkMs: [atMs], chunkTokens: [1], endMs: now() - start },
        prompt: `USER: item ${req.sampleId}\nASSISTANT:`,
      };
    },
  };
}
