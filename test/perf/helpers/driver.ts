import { ModelConfig } from '../../../src/config/schema.ts';
import { RetryConfig } from '../../../src/config/schema.ts';
import type { Backend } from '../../../src/core/backend.ts';
import type { SampleRecord } from '../../../src/core/record.ts';
import type { PerfDriver, SuiteContext } from '../../../src/core/suite.ts';
import { createScheduler } from '../../../src/runner/scheduler.ts';
import { createBackend } from '../../../backends/http/index.ts';

/**
 * A PerfDriver the way the runner builds one (real scheduler, in-memory journal), for suite tests.
 * The journal is an array; `done` can be pre-filled to test resume.
 */
export function makeDriver(backend: Backend, opts: { concurrency: number; family?: string; done?: string[]; timeoutMs?: number }) {
  const records: SampleRecord[] = [];
  const controller = new AbortController();
  const scheduler = createScheduler({
    concurrency: opts.concurrency, retry: RetryConfig.parse({ attempts: 1 }), timeoutMs: opts.timeoutMs ?? 30_000, signal: controller.signal,
  });
  const driver: PerfDriver = {
    model: { info: backend.info, family: opts.family ?? 'llava-1.5' },
    capabilities: backend.capabilities,
    done: new Set(opts.done ?? []),
    signal: controller.signal,
    send: (req, signal) => scheduler.submit(backend, req, { signal }),
    async record(rec) {
      records.push({ ...rec, key: `${rec.sampleId}#${rec.repeat}`, model: backend.info.id, suite: 'test', finishedAt: new Date().toISOString() });
    },
  };
  return { driver, records, controller, scheduler };
}

/** The real HTTP backend pointed at a local OpenAI-compatible server. */
export async function httpBackend(url: string, server: 'vllm' | 'openai' | 'vlmbench' | 'llama-server' = 'vllm', extra: Record<string, unknown> = {}): Promise<Backend> {
  const model = ModelConfig.parse({
    id: 'scripted', family: 'llava-1.5',
    backend: { type: 'http', endpoints: [url], model: 'scripted', server, ...extra },
  });
  return createBackend(model, { log: () => {} });
}

export function suiteContext<O>(options: O, extra: Partial<SuiteContext<O>> = {}): SuiteContext<O> {
  return { datasetDir: '/nonexistent', options, fixturesDir: '/tmp', seed: 7, services: {}, log: () => {}, ...extra };
}
