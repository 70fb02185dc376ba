/**
 * The throughput part of `npm run bench:gguf`: `vlmbench serve` of the bench GGUF (runtime auto, so the
 * managed llama-server with `concurrency` slots behind vlmbench's OpenAI server and its child process)
 * against that llama-server binary driven directly with the same raw prompts, same concurrency.
 */
import pLimit from 'p-limit';
import { createBackend as createHttpBackend } from '../backends/http/index.ts';
import { LLAMA_CPP_MEDIA_MARKER } from '../backends/llama-cpp/families.ts';
import { runServerCompletion } from '../backends/llama-cpp/server-completion.ts';
import { startLlamaServer, type LlamaServer } from '../backends/llama-cpp/server-process.ts';
import { Config, ModelConfig } from '../src/config/schema.ts';
import type { Backend } from '../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../src/core/request.ts';
import { getFamily } from '../src/families/index.ts';
import type { LlamaCppRuntime } from '../src/runtimes/llama-cpp.ts';
import { startServe, type RunningServe } from '../src/serve/start.ts';

export interface ThroughputSetup {
  rt: LlamaCppRuntime; model: string; mmproj: string; image: Buffer; prompt: string;
  threads: number; concurrency: number; requests: number; tokens: number; ban: Array<[number, false]>; fixturesDir: string;
}

export interface Throughput { tps: number; tokens: number; wallMs: number }

async function drive(n: number, concurrency: number, one: () => Promise<number>): Promise<Throughput> {
  const limit = pLimit(concurrency);
  const t0 = performance.now();
  const counts = await Promise.all(Array.from({ length: n }, () => limit(one)));
  const wallMs = performance.now() - t0;
  const tokens = counts.reduce((a, b) => a + b, 0);
  return { tps: tokens / (wallMs / 1000), tokens, wallMs };
}

export interface ThroughputRoutes {
  serve(): Promise<Throughput>;
  native(): Promise<Throughput>;
  close(): Promise<void>;
}

export async function throughputRoutes(s: ThroughputSetup): Promise<ThroughputRoutes> {
  const modelConfig = ModelConfig.parse({
    id: 'bench-gguf', family: 'llava-1.5', concurrency: s.concurrency,
    backend: { type: 'llama-cpp', model: s.model, mmproj: s.mmproj, threads: s.threads, contextSize: 2048, runtime: 'auto' },
  });
  const config = Config.parse({ models: [modelConfig], suites: [{ name: 'throughput' }], run: { concurrency: s.concurrency } });
  let serve: RunningServe | undefined;
  let client: Backend | undefined;
  let native: LlamaServer | undefined;
  try {
    serve = await startServe({ config, port: 0, fixturesDir: s.fixturesDir, log: (m) => { if (process.env.BENCH_SERVE_LOG) console.error(`[serve] ${m}`); } });
    client = await createHttpBackend(ModelConfig.parse({
      id: 'client', family: 'llava-1.5',
      backend: { type: 'http', api: 'openai', server: 'vlmbench', endpoints: [`${serve.url}/v1`], model: 'bench-gguf', stream: true },
    }), { log: () => {} });
    native = await startLlamaServer({
      binary: s.rt.binaries['llama-server'], model: s.model, mmproj: s.mmproj, threads: s.threads, slots: s.concurrency,
      contextSize: 2048, batchSize: 512, gpuLayers: 0, seed: 0,
    });
  } catch (err) {
    await client?.close?.();
    await serve?.close();
    await native?.stop();
    throw err;
  }
  const req: VlmRequest = {
    sampleId: 'tp', messages: [userMessage({ kind: 'buffer', data: s.image, name: 'bench.png' }, s.prompt)],
    params: { maxTokens: s.tokens, temperature: 0, ignoreEos: true, logitBias: s.ban },
  };
  const { prompt, stop } = getFamily('llava-1.5').renderPrompt(req.messages, { imageMarker: LLAMA_CPP_MEDIA_MARKER });
  const signal = new AbortController().signal;
  const image64 = s.image.toString('base64');
  const check = (n: number): number => {
    if (n !== s.tokens) throw new Error(`a throughput request decoded ${n} tokens, expected ${s.tokens}`);
    return n;
  };
  return {
    serve: () => drive(s.requests, s.concurrency, async () => check((await client!.generate(req, { signal })).usage.completionTokens)),
    native: () => drive(s.requests, s.concurrency, async () => check((await runServerCompletion(native!.url, {
      prompt, images: [image64], params: req.params, familyStop: stop, seed: 0, stream: true,
    }, { signal }).catch((err: unknown) => {
      throw new Error(`llama-server driven directly failed (${native!.alive() ? 'still running' : 'exited'}): ${String(err)}\n${native!.logTail()}`, { cause: err });
    })).output.usage.completionTokens)),
    async close() {
      await client?.close?.();
      await serve?.close();
      await native?.stop();
    },
  };
}
