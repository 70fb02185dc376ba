/**
 * GGUF backend speed: decode and prefill tokens/s and vision-encode time on a generated ~34M-parameter
 * llama model (68 MB F16) + a 64-token CLIP mmproj, through the llama-cpp backend with 1 and 2 threads;
 * with --native, the same file through native llama.cpp `llama-bench`, and the ratio; with
 * --llama-server, the same files through a `llama-server` subprocess driven by the http backend.
 *
 *   npm run bench:gguf -- [--threads 1,2] [--tokens 128] [--reps 3] [--native <dir with llama-bench>]
 *                         [--llama-server <path to the llama-server binary>]
 *
 * Goal: decode ≥ 0.9× native on the same file and threads. The @fugood CPU binary has no AVX
 * (see the measurements in backends/llama-cpp/README.md) and misses by far; the llama-server route is the one backends/llama-cpp/README.md
 * recommends for CPU throughput. llama-server renders the GGUF's own chat template, so it gets the
 * family's system text as a system message: both prompts come to the same token count.
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
import { conv_vicuna_v1 } from '../src/families/templates/llava.ts';
import { defaultFixturesDir } from '../src/fixtures/paths.ts';
import { measureLlamaServer, type ServerFigures } from './gguf-server.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    tokens: { type: 'string', default: '128' },
    reps: { type: 'string', default: '3' },
    native: { type: 'string' },
    'llama-server': { type: 'string' },
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

const TEXT_PROMPT = 'Describe a busy street market in detail.';
const IMAGE_PROMPT = 'What is shown?';

interface Figures { prompt: string; promptTokens: number; prefillTps: number; decodeTps: number; decodeWallTps: number; imagePrefillMs: number; imageTokens: number }

async function measureBackend(model: string, mmproj: string, image: string, threads: number): Promise<Figures> {
  const config = ModelConfig.parse({
    id: `bench-t${threads}`, family: 'llava-1.5',
    backend: { type: 'llama-cpp', model, mmproj, threads, contextSize: 2048 },
  });
  const backend = await createBackend(config, { log: () => {} });
  const text: VlmRequest = { sampleId: 'text', messages: [userMessage(TEXT_PROMPT)], params: { maxTokens: TOKENS, temperature: 0, ignoreEos: true } };
  const vision: VlmRequest = { sampleId: 'image', messages: [userMessage({ kind: 'path', path: image }, IMAGE_PROMPT)], params: { maxTokens: 4, temperature: 0 } };
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

interface Native { pp: number; tg: number; tgSd: number; tgDepth: number; tgDepthSd: number }

/**
 * llama-bench's tg runs from an empty KV cache; every other route decodes after the prompt, so tg is
 * also measured at depth = prompt tokens (`-d`), the like-for-like reference for the ratio.
 */
async function measureNative(dir: string, model: string, threads: number, promptTokens: number): Promise<Native> {
  const { stdout } = await promisify(execFile)(path.join(dir, 'llama-bench'),
    ['-m', model, '-t', String(threads), '-p', String(promptTokens), '-n', String(TOKENS), '-d', `0,${promptTokens}`, '-r', String(REPS), '-o', 'json'],
    { maxBuffer: 16 << 20 });
  const rows = JSON.parse(stdout) as Array<{ n_prompt: number; n_gen: number; n_depth?: number; avg_ts: number; stddev_ts: number }>;
  const pick = (gen: boolean, depth: number) => rows.find((r) => (gen ? r.n_gen > 0 : r.n_prompt > 0) && (r.n_depth ?? 0) === depth);
  return {
    pp: pick(false, 0)?.avg_ts ?? Number.NaN,
    tg: pick(true, 0)?.avg_ts ?? Number.NaN, tgSd: pick(true, 0)?.stddev_ts ?? Number.NaN,
    tgDepth: pick(true, promptTokens)?.avg_ts ?? Number.NaN, tgDepthSd: pick(true, promptTokens)?.stddev_ts ?? Number.NaN,
  };
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
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`model: ${files.textModel} (${BENCH_PARAMS})`);
  console.log(`host: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${load()}`);
  console.log(`decode ${TOKENS} tokens after the prompt (past EOS, greedy), median of ${REPS}; image requests: ${IMAGE_PROMPT} + a 160×120 PNG`);
  const rows: string[][] = [];
  for (const threads of THREADS) {
    const b = await measureInChild(threads, dir);
    const nl = await measureNodeLlama(files.textModel, threads, b.prompt);
    const s = args['llama-server']
      ? await measureLlamaServer(args['llama-server'], {
        model: files.textModel, mmproj: files.mmproj, image, threads, tokens: TOKENS, reps: REPS,
        system: conv_vicuna_v1.system, textPrompt: TEXT_PROMPT, imagePrompt: IMAGE_PROMPT,
      })
      : undefined;
    const n = args.native ? await measureNative(args.native, files.textModel, threads, b.promptTokens) : undefined;
    rows.push(...routeRows(threads, b, nl, s, n));
    console.log(`threads ${threads} done, load ${load()}`);
  }
  console.log();
  console.log('| threads | route | prompt tok | prefill tok/s | decode tok/s | decode vs native (tg @ d=prompt / @ d0) | image prompt ms (prompt tok) | CLIP encode ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
  console.log('@fugood decode = runtime predicted_per_second (JS wall clock between first and last token); its image prompt ms = runtime prompt_ms of a 4-token image request.');
  console.log('llama-server decode = client (completion tokens − 1) / (e2e − TTFT) through the http backend (server timings.predicted_per_second),');
  console.log('  text request, then the same for a request with the image, then the text request with stream: false (server figure only);');
  console.log('  prefill = server prompt_per_second; image prompt ms = server prompt_ms (client TTFT).');
  console.log(`node-llama-cpp: text only, prebuilt AVX build; native: llama-bench pp<prompt tok> and tg${TOKENS} at depth <prompt tok> and 0 (mean ± sd), same file and threads.`);
  console.log(`load at the end: ${load()}`);
}

function routeRows(threads: number, b: Figures & { encodeMs: number }, nl: { pp: number; tg: number }, s: ServerFigures | undefined, n: Native | undefined): string[][] {
  const ratio = (x: number): string => (n ? `${(x / n.tgDepth).toFixed(2)}× / ${(x / n.tg).toFixed(2)}×` : '—');
  const rows = [
    [String(threads), '@fugood/llama.node in process (llama-cpp backend)', String(b.promptTokens), fmt(b.prefillTps),
      `${fmt(b.decodeTps)} (wall ${fmt(b.decodeWallTps)})`, ratio(b.decodeTps), `${fmt(b.imagePrefillMs)} (${b.imageTokens} img tok)`, fmt(b.encodeMs)],
    [String(threads), 'node-llama-cpp in process, text only', String(b.promptTokens), fmt(nl.pp), fmt(nl.tg), ratio(nl.tg), '—', '—'],
  ];
  if (s) {
    rows.push([String(threads), 'llama-server via http backend', String(s.promptTokens), fmt(s.prefillTps),
      `${fmt(s.decodeTps)} (server ${fmt(s.decodeServerTps)}); image req ${fmt(s.imageDecodeTps)} (server ${fmt(s.imageDecodeServerTps)}); stream: false: server ${fmt(s.decodeServerTpsNoStream)}`,
      `${ratio(s.decodeTps)} (server ${ratio(s.decodeServerTps)}); image req ${ratio(s.imageDecodeTps)}; stream: false ${ratio(s.decodeServerTpsNoStream)}`,
      `${fmt(s.imagePrefillMs)} (TTFT ${fmt(s.imageTtftMs)}; ${s.imagePromptTokens} tok)`, 'not logged']);
  }
  if (n) {
    rows.push([String(threads), 'native llama-bench', String(b.promptTokens), fmt(n.pp),
      `${fmt(n.tgDepth)} ± ${fmt(n.tgDepthSd)} @ d${b.promptTokens}; ${fmt(n.tg)} ± ${fmt(n.tgSd)} @ d0`, '1', '—', '—']);
  }
  return rows;
}
