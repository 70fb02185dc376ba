/**
 * Test-only `custom` backend that answers from a table: options.table is a JSON file mapping a sample id
 * to the answer text (options.default otherwise). It lets end-to-end tests plant exact outcomes (right or
 * wrong answers) in runs that go through the real runner, suites, scorers, judge client and CLI.
 * Streams one word per token so latency/throughput suites get real per-chunk timings.
 */
import { readFileSync } from 'node:fs';
import type { ModelConfig } from '../../src/config/schema.ts';
import { BackendError } from '../../src/core/errors.ts';
import { now, type Backend, type GenerateOptions } from '../../src/core/backend.ts';
import type { VlmRequest } from '../../src/core/request.ts';

interface Options { table?: string; default?: string; build?: string }

export async function createBackend(model: ModelConfig): Promise<Backend> {
  if (model.backend.type !== 'custom') throw new Error('table-backend is a custom backend');
  const o = model.backend.options as Options;
  const table = o.table ? (JSON.parse(readFileSync(o.table, 'utf8')) as Record<string, string>) : {};
  return {
    info: { id: model.id, family: model.family, backend: 'custom', files: [model.backend.module], device: 'cpu', runtime: `test-table-backend ${o.build ?? ''}`.trim() },
    capabilities: { images: true, multiImage: true, streaming: true, parallelSequences: 8 },
    async generate(req: VlmRequest, opts: GenerateOptions) {
      const start = now();
      const text = table[req.sampleId] ?? o.default ?? 'no answer';
      const words = text.split(/(?<= )/);
      const chunkMs: number[] = [];
      for (const w of words) {
        if (opts.signal.aborted) throw new BackendError('aborted', { code: 'E_ABORTED' });
        await new Promise((r) => setImmediate(r));
        const atMs = now() - start;
        chunkMs.push(atMs);
        opts.onToken?.({ text: w, tokens: 1, atMs });
      }
      return {
        text,
        finishReason: 'stop',
        usage: { promptTokens: 16, completionTokens: words.length, source: 'estimate' },
        timings: { startedAt: Date.now(), firstTokenMs: chunkMs[0] ?? 0, chunkMs, chunkTokens: chunkMs.map(() => 1), endMs: now() - start },
        prompt: `USER: ${req.sampleId}\nASSISTANT:`,
      };
    },
  };
}
