/**
 * GGUF backend speed: decode and prefill tokens/s and vision-encode time on a generated ~34M-parameter
 * llama model (68 MB F16) + a 64-token CLIP mmproj, through the llama-cpp backend with 1 and 2 threads;
 * with --native, the same file through native llama.cpp `llama-bench`, and the ratio.
 *
 *   npm run bench:gguf -- [--threads 1,2] [--tokens 128] [--reps 3] [--native <dir with llama-bench>]
 *
 * Goal: backend decode ≥ 0.9× native on the same file and threads (runtimes.md §10: the @fugood CPU
 * binary has no AVX, so expect it to miss on CPU; see backends/llama-cpp/README.md).
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import sharp from 'sharp';
import { createBackend } from '../backends/llama-cpp/index.ts';
import { ModelConfig } from '../src/config/schema.ts';
import { userMessage, type VlmRequest } from '../src/core/request.ts';
import type { VlmOutput } from '../src/core/response.ts';
import { ensureBenchGguf } from '../src/fixtures/gguf/index.ts';
import { defaultFixturesDir } from '../src/fixtures/paths.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    tokens: { type: 'string', default: '128' },
    reps: { type: 'string', default: '3' },
    native: { type: 'string' },
    dir: { type: 'string' },
    worker: { type: 'string' },
  },
});
const THREADS = args.threads.split(',').map(Number);
const TOKENS = Number(args.tokens);
const REPS = Number(args.reps);
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const BENCH_PARAMS = '34.1M parameters, F16: hidden 512, 8 layers, FFN 1408, vocab 8192; mmproj 112 px / patch 14 = 64 image tokens';
const fmt = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

interface Figures { prompt: string; promptTokens: number; prefillTps: number; decodeTps: number; decodeWallTps: number; imagePrefillMs: number; imageTokens: number }

async function measureBackend(model: string, mmproj: string, image: string, threads: number): Promise<Figures> {
  const config = ModelConfig.parse({
    id: `bench-t${threads}`, family: 'llava-1.5',
    backend: { type: 'llama-cpp', model, mmproj, threads, contextSize: 2048 },
  });
  const backend = await createBackend(config, { log: () => {} });
  const text: VlmRequest = { sampleId: 'text', messages: [userMessage('Describe a busy street market in detail.')], params: { maxTokens: TOKENS, temperature: 0, ignoreEos: true } };
  const vision: VlmRequest = { sampleId: 'image', messages: [userMessage({ kind: 'path', path: image }, 'What is shown?')], params: { maxTokens: 4, temperature: 0 } };
  const signal = new AbortController().signal;
  try {
    await backend.generate({ ...text, params: { ...text.params, maxTokens: 8 } }, { signal }); // warm-up
    await backend.generate(vision, { signal });
    const runs: VlmOutput[] = [];
    const visionRuns: VlmOutput[] = [];
    for (let r = 0; r < REPS; r++) {
      runs.push(await backend.generate(text, { signal }));
      visionRuns.push(await backend.generate(vision, { signal }));
    }
    const m = (o: VlmOutput, k: string): number => o.serverMetrics?.[k] ?? Number.NaN;
    return {
      prompt: runs[0]!.prompt ?? '',
      promptTokens: runs[0]!.usage.promptTokens,
      prefillTps: median(runs.map((o) => m(o, 'prompt_per_second'))),
      decodeTps: median(runs.map((o) => m(o, 'predicted_per_second'))),
      // Wall clock between the first and the last streamed token (JS side, includes N-API overhead).
      decodeWallTps: median(runs.map((o) => (o.timings.chunkMs.length - 1) / ((o.timings.chunkMs.at(-1)! - o.timings.firstTokenMs!) / 1000))),
      // Prompt processing of the image request: image load + preprocess + CLIP encode + LM prefill.
      imagePrefillMs: median(visionRuns.map((o) => o.timings.prefillMs ?? Number.NaN)),
      imageTokens: visionRuns[0]!.usage.imageTokens ?? 0,
    };
  } finally {
    await backend.close();
  }
}

/** The same file through node-llama-cpp (prebuilt llama.cpp with AVX), text only: a reference build. */
async function measureNodeLlama(model: string, threads: number, prompt: string): Promise<{ pp: number; tg: number }> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.error });
  const m = await llama.loadModel({ modelPath: model });
  const tgs: number[] = [];
  const pps: number[] = [];
  try {
    for (let r = 0; r < REPS + 1; r++) {
      const ctx = await m.createContext({ contextSize: 2048, threads });
      const tokens = [m.tokens.bos!, ...m.tokenize(prompt)];
      const t0 = performance.now();
      let first = 0;
      let n = 0;
      for await (const _ of ctx.getSequence().evaluate(tokens, { temperature: 0 })) {
        if (n++ === 0) first = performance.now();
        if (n >= TOKENS) break;
      }
      const end = performance.now();
      await ctx.dispose();
      if (r === 0) continue; // warm-up
      pps.push(tokens.length / ((first - t0) / 1000));
      tgs.push((n - 1) / ((end - first) / 1000));
    }
  } finally {
    await m.dispose();
    await llama.dispose();
  }
  return { pp: median(pps), tg: median(tgs) };
}

async function measureNative(dir: string, model: string, threads: number, promptTokens: number): Promise<{ pp: number; tg: number }> {
  const { stdout } = await promisify(execFile)(path.join(dir, 'llama-bench'),
    ['-m', model, '-t', String(threads), '-p', String(promptTokens), '-n', String(TOKENS), '-r', String(REPS), '-o', 'json'],
    { maxBuffer: 16 << 20 });
  const rows = JSON.parse(stdout) as Array<{ n_prompt: number; n_gen: number; avg_ts: number }>;
  return { pp: rows.find((r) => r.n_prompt > 0)?.avg_ts ?? Number.NaN, tg: rows.find((r) => r.n_gen > 0)?.avg_ts ?? Number.NaN };
}

/**
 * libmtmd logs its CLIP encode time to stderr ("image slice encoded in N ms") but does not return it,
 * so each thread count runs in a child process whose stderr is read.
 */
async function measureInChild(threads: number, dir: string): Promise<Figures & { encodeMs: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--worker', String(threads), '--dir', dir, '--tokens', String(TOKENS), '--reps', String(REPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`bench worker (threads ${threads}) failed with code ${code}:\n${stderr.slice(-2000)}`);
  const encodes = [...stderr.matchAll(/image slice encoded in (\d+) ms/g)].map((m) => Number(m[1]));
  // The first encode is the warm-up request.
  return { ...(JSON.parse(line.slice('RESULT '.length)) as Figures), encodeMs: median(encodes.slice(1)) };
}

const dir = path.resolve(args.dir ?? path.join(defaultFixturesDir(), 'bench-gguf'));
const files = await ensureBenchGguf(dir);
const image = path.join(dir, 'bench-image.png');
if (args.worker) {
  const figures = await measureBackend(files.textModel, files.mmproj, image, Number(args.worker));
  process.stdout.write(`\nRESULT ${JSON.stringify(figures)}\n`);
} else {
  await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toFile(image);
  console.log(`model: ${files.textModel} (${BENCH_PARAMS})`);
  console.log(`host: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; runtime @fugood/llama.node (CPU build)`);
  console.log(`decode ${TOKENS} tokens after the family prompt, median of ${REPS}`);
  console.log('backend = this llama-cpp backend (@fugood CPU build); node-llama-cpp = same file, text only, prebuilt AVX build; native = llama-bench');
  console.log('threads | prompt tok | backend prefill tok/s | backend decode tok/s (runtime / wall) | CLIP encode ms | image prompt ms (img tok) | node-llama-cpp pp / tg tok/s | native pp / tg tok/s | decode ratio vs native (vs node-llama-cpp)');
  for (const threads of THREADS) {
    const b = await measureInChild(threads, dir);
    const nl = await measureNodeLlama(files.textModel, threads, b.prompt);
    const n = args.native ? await measureNative(args.native, files.textModel, threads, b.promptTokens) : undefined;
    console.log([
      threads, b.promptTokens, fmt(b.prefillTps), `${fmt(b.decodeTps)} / ${fmt(b.decodeWallTps)}`, fmt(b.encodeMs),
      `${fmt(b.imagePrefillMs)} (${b.imageTokens})`, `${fmt(nl.pp)} / ${fmt(nl.tg)}`, n ? `${fmt(n.pp)} / ${fmt(n.tg)}` : '—',
      `${n ? `${(b.decodeTps / n.tg).toFixed(2)}×` : '—'} (${(b.decodeTps / nl.tg).toFixed(2)}×)`,
    ].join(' | '));
  }
}
