import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Backend, GenerateOptions } from '../../src/core/backend.ts';
import { BackendError } from '../../src/core/errors.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import type { VlmOutput } from '../../src/core/response.ts';

/**
 * A small deterministic Backend for server/client tests: it answers with the words of the last user
 * text reversed, then one `img:<sha8>` word per image (so image bytes are checked end to end), one
 * word per token, stopping at maxTokens. Not a mock of anything: a real Backend with trivial maths.
 */
export interface EchoBackend extends Backend {
  calls: VlmRequest[];
  aborted: number;
  active: number;
}

export function expectedEcho(req: VlmRequest): string[] {
  const last = [...req.messages].reverse().find((m) => m.role === 'user');
  const text = last?.content.map((p) => (p.type === 'text' ? p.text : '')).join(' ') ?? '';
  const words = text.split(/\s+/).filter(Boolean).reverse();
  for (const img of imagesOf(req)) {
    const bytes = img.kind === 'buffer' ? img.data : readFileSync(img.path);
    words.push(`img:${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}`);
  }
  return words.slice(0, req.params.maxTokens);
}

export function createEchoBackend(opts: { id?: string; delayMs?: number; firstDelayMs?: number; parallel?: number } = {}): EchoBackend {
  const backend: EchoBackend = {
    info: { id: opts.id ?? 'echo', family: 'llava-1.5', backend: 'echo', files: [] },
    capabilities: { images: true, multiImage: true, streaming: true, parallelSequences: opts.parallel ?? 4 },
    calls: [],
    aborted: 0,
    active: 0,
    async generate(req: VlmRequest, g: GenerateOptions): Promise<VlmOutput> {
      backend.calls.push(req);
      backend.active++;
      const t0 = performance.now();
      const words = expectedEcho(req);
      const chunkMs: number[] = [];
      try {
        for (let i = 0; i < words.length; i++) {
          const wait = i === 0 ? (opts.firstDelayMs ?? opts.delayMs ?? 0) : (opts.delayMs ?? 0);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          if (g.signal.aborted) {
            backend.aborted++;
            throw new BackendError('aborted', { code: 'E_ABORTED' });
          }
          const text = i === 0 ? words[i]! : ` ${words[i]}`;
          const atMs = performance.now() - t0;
          chunkMs.push(atMs);
          g.onToken?.({ text, tokens: 1, atMs });
        }
      } finally {
        backend.active--;
      }
      const endMs = performance.now() - t0;
      return {
        text: words.join(' '),
        finishReason: words.length >= req.params.maxTokens ? 'length' : 'stop',
        usage: { promptTokens: 7, completionTokens: words.length, source: 'backend' },
        timings: { startedAt: Date.now(), firstTokenMs: chunkMs[0], chunkMs, chunkTokens: chunkMs.map(() => 1), endMs },
      };
    },
  };
  return backend;
}
