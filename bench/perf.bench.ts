/**
 * Latency/throughput suite benchmark. Servers run in their own process, so the client measures itself.
 *
 *   npm run bench:perf -- [--part accuracy,sweep,gguf] [--concurrency 1,2,4,8,16] [--requests 24] [--tokens 16]
 *
 * 1. accuracy — the latency suite against a scripted server (first token after 50 ms, then one token
 *    every 10 ms, N tokens; also 4 tokens per chunk after a role-only + empty first chunk):
 *    measured p50 vs the script's own values. Goal: |error| ≤ 2 ms.
 * 2. sweep — the throughput suite over concurrency against a scripted server with 4 batch slots:
 *    throughput must stop growing at 4 (knee), and the table shows client health per point.
 * 3. gguf — the throughput sweep on the tiny generated GGUF (llama.cpp, 1 thread) behind
 *    `vlmbench serve` (createOpenAiServer), through the HTTP backend: where throughput stops growing.
 * 4. local — the same model through the llama-cpp backend directly (child-process isolated, as the
 *    runner loads it): concurrency is queueing inside the runtime, and the summary says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../backends/http/index.ts';
import { ModelConfig, RetryConfig } from '../src/config/schema.ts';
import type { Backend } from '../src/core/backend.ts';
import type { SampleRecord } from '../src/core/record.ts';
import type { PerfDriver, SuiteContext } from '../src/core/suite.ts';
import { formatLoadTable } from '../src/perf/summary.ts';
import { createScheduler } from '../src/runner/scheduler.ts';
import { LatencyOptions, latencySuite } from '../suites/latency/latency.ts';
import { ThroughputOptions } from '../suites/throughput/options.ts';
import { throughputSuite } from '../suites/throughput/throughput.ts';

const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'accuracy,sweep,gguf,local' },
    concurrency: { type: 'string', default: '1,2,4,8,16' },
    requests: { type: 'string' },
    tokens: { type: 'string', default: '16' },
  },
});
const parts = new Set(args.part.split(','));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKENS = Number(args.tokens);

function startChild(code: string, argv: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // llama.cpp logs every request to stderr: keep only our own 'serve:' lines (and the tail on failure).
    child.stderr!.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
      for (const line of d.toString().split('\n')) if (line.startsWith('serve:')) console.log(line);
    });
    child.on('exit', (c) => { if (c) console.error(err); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /URL (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('exit', (c) => reject(new Error(`server process exited with ${c}`)));
  });
}

const SCRIPTED = `
const { startScriptedServer } = await import('./test/helpers/scripted-server.ts');
const [script, slots] = [JSON.parse(process.argv[1]), Number(process.argv[2] || 0)];
const s = await startScriptedServer(script, slots ? { slots } : {});
console.log('URL ' + s.url);`;

const SERVE_GGUF = `
const { ModelConfig } = await import('./src/config/schema.ts');
const { loadBackend } = await import('./src/runner/backends.ts');
const { createOpenAiServer } = await import('./src/serve/server.ts');
const { defaultFixturesDir } = await import('./src/fixtures/paths.ts');
const model = ModelConfig.parse({ id: 'tiny', family: 'llava-1.5', backend: { type: 'llama-cpp', model: 'fixture:gguf/text', mmproj: 'fixture:gguf/mmproj-1.5', threads: 1, contextSize: 2048 } });
const backend = await loadBackend(model, { fixturesDir: defaultFixturesDir(), log: () => {}, inProcess: true });
const server = await createOpenAiServer({ backends: new Map([['tiny', backend]]) });
console.error('serve: tiny GGUF, parallelSequences = ' + backend.capabilities.parallelSequences);
console.log('URL ' + server.url);`;

function driverFor(backend: Backend, concurrency: number): { driver: PerfDriver; records: SampleRecord[] } {
  const records: SampleRecord[] = [];
  const scheduler = createScheduler({ concurrency, retry: RetryConfig.parse({ attempts: 1 }), timeoutMs: 120_000 });
  const driver: PerfDriver = {
    model: { info: backend.info, family: 'llava-1.5' }, capabilities: backend.capabilities, done: new Set(), signal: new AbortController().signal,
    send: (req, signal) => scheduler.submit(backend, req, { signal }),
    async record(rec) { records.push({ ...rec, key: rec.sampleId, model: backend.info.id, suite: 'bench', finishedAt: new Date().toISOString() }); },
  };
  return { driver, records };
}

async function httpClient(url: string, model: string, server: 'vllm' | 'vlmbench'): Promise<Backend> {
  return createBackend(ModelConfig.parse({ id: model, family: 'llava-1.5', backend: { type: 'http', endpoints: [url], model, server } }), { log: () => {} });
}

const ctxOf = <O>(options: O): SuiteContext<O> => ({ datasetDir: ROOT, options, fixturesDir: '', seed: 0, services: {}, log: () => {} });
const f = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(2));

async function accuracy(): Promise<void> {
  console.log('\n## 1. Latency accuracy vs a scripted server (p50, ms)');
  const cases = [
    { name: '1 token/chunk', script: { firstTokenMs: 50, intervalMs: 10, tokens: TOKENS }, itl: 10, icl: 10 },
    { name: '4 tokens/chunk + role + empty first chunk', script: { firstTokenMs: 50, intervalMs: 40, tokens: TOKENS, tokensPerChunk: 4, roleChunk: true, emptyFirstChunk: true, continuousUsage: true }, itl: 10, icl: 40 },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const c of cases) {
    const { url, child } = await startChild(SCRIPTED, [JSON.stringify(c.script)]);
    try {
      const backend = await httpClient(`${url}/v1`, 'scripted', 'vllm');
      const { driver, records } = driverFor(backend, 1);
      const ctx = ctxOf(LatencyOptions.parse({ requests: Number(args.requests ?? 20), repeats: 3, warmup: 2, sizes: [{ width: 336, height: 336 }], maxTokens: TOKENS }));
      await latencySuite.run(driver, ctx);
      const m = latencySuite.aggregate(records, ctx).metrics;
      const k = c.script.tokensPerChunk ?? 1;
      const e2el = 50 + (Math.ceil(TOKENS / k) - 1) * c.script.intervalMs;
      const want = { ttft: 50, tpot: (e2el - 50) / (TOKENS - 1), e2el, itl: c.itl, icl: c.icl };
      for (const [key, w] of Object.entries(want)) {
        const got = m[`${key}_p50`]!.value!;
        rows.push({ case: c.name, metric: key, script: f(w), measured_p50: f(got), error: f(got - w), p99: f(m[`${key}_p99`]!.value), within_2ms: Math.abs(got - w) <= 2 });
      }
      await backend.close?.();
    } finally { child.kill(); }
  }
  console.log(formatLoadTable(rows, ['case', 'metric', 'script', 'measured_p50', 'error', 'p99', 'within_2ms']));
}

const SWEEP_COLUMNS = ['load', 'completed', 'request_throughput', 'output_throughput', 'achieved_concurrency', 'ttft_p50', 'ttft_p99', 'tpot_p50', 'itl_p50', 'e2el_p50', 'backend_queue_p50', 'e2el_client_p50', 'client_loop_delay_p99_ms', 'client_cpu_cores', 'valid'];

async function sweep(backend: Backend, options: Record<string, unknown>): Promise<void> {
  const levels = args.concurrency.split(',').map(Number);
  const { driver, records } = driverFor(backend, Math.max(...levels));
  const ctx = ctxOf(ThroughputOptions.parse({ concurrency: levels, ...(args.requests ? { requests: Number(args.requests) } : {}), ...options }));
  const t0 = performance.now();
  await throughputSuite.run(driver, ctx);
  const s = throughputSuite.aggregate(records, ctx);
  console.log(formatLoadTable(s.tables!.loadPoints as Record<string, unknown>[], SWEEP_COLUMNS));
  for (const r of (s.tables!.loadPoints as { load: string; invalid_reasons: string[] }[])) if (r.invalid_reasons.length) console.log(`  ${r.load}: ${r.invalid_reasons.join('; ')}`);
  console.log(`knee (throughput stops growing after concurrency): ${s.metrics.throughput_knee!.value ?? 'not reached'}; ` +
    `peak ${f(s.metrics.peak_output_throughput!.value)} tok/s, ${f(s.metrics.peak_request_throughput!.value)} req/s; wall ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const n of s.notes ?? []) if (/queue inside/.test(n)) console.log(`note: ${n}`);
  await backend.close?.();
}

async function scriptedSweep(): Promise<void> {
  console.log('\n## 2. Concurrency sweep, scripted server with 4 slots (20 ms + 5 ms/token, 16 tokens)');
  const { url, child } = await startChild(SCRIPTED, [JSON.stringify({ firstTokenMs: 20, intervalMs: 5, tokens: 16 }), '4']);
  try {
    await sweep(await httpClient(`${url}/v1`, 'scripted', 'vllm'), { images: 'generated', sizes: [{ width: 336, height: 336 }], maxTokens: 16 });
  } finally { child.kill(); }
}

async function ggufSweep(): Promise<void> {
  console.log('\n## 3. Concurrency sweep, tiny GGUF (llama.cpp, 1 thread) behind vlmbench serve, via the HTTP backend');
  if (!existsSync(`${ROOT}/backends/llama-cpp/index.ts`)) { console.log('skipped: backends/llama-cpp is not there yet'); return; }
  const { url, child } = await startChild(SERVE_GGUF);
  try {
    await sweep(await httpClient(`${url}/v1`, 'tiny', 'vlmbench'), GGUF_WORKLOAD);
  } finally { child.kill(); }
}

const GGUF_WORKLOAD = { images: 'generated', sizes: [{ width: 32, height: 32 }], maxTokens: TOKENS, minRequests: 16, requestsPerSlot: 4 };

async function localSweep(): Promise<void> {
  console.log('\n## 4. Concurrency sweep, tiny GGUF through the llama-cpp backend directly (isolated child process)');
  if (!existsSync(`${ROOT}/backends/llama-cpp/index.ts`)) { console.log('skipped: backends/llama-cpp is not there yet'); return; }
  const { loadBackend } = await import('../src/runner/backends.ts');
  const { defaultFixturesDir } = await import('../src/fixtures/paths.ts');
  const model = ModelConfig.parse({ id: 'tiny', family: 'llava-1.5', backend: { type: 'llama-cpp', model: 'fixture:gguf/text', mmproj: 'fixture:gguf/mmproj-1.5', threads: 1 } });
  const backend = await loadBackend(model, { fixturesDir: defaultFixturesDir(), log: () => {} });
  await sweep(backend, GGUF_WORKLOAD);
}

console.log(`node ${process.version}, ${(await import('node:os')).availableParallelism()} cpus`);
if (parts.has('accuracy')) await accuracy();
if (parts.has('sweep')) await scriptedSweep();
if (parts.has('gguf')) await ggufSweep();
if (parts.has('local')) await localSweep();
