/**
 * GGUF speed and fidelity, every route side by side in one run on a generated ~34M-parameter llama
 * (68 MB F16) + a 64-token CLIP mmproj, all on one managed llama.cpp build (`vlmbench runtimes build
 * llama.cpp`):
 *   - the llama-cpp backend with runtime: auto (loaded as a run loads it, in its child process), against
 *     native llama-bench (decode, tg<tokens> at depth = prompt tokens, its per-repetition samples) and
 *     native llama-mtmd-cli (image prompt: CLIP encode + LM prompt eval from its own log); decode both
 *     as quality suites ask (a scored answer in one piece) and as perf suites ask (streamed per token),
 *     the streamed one also against the same llama-server driven directly (streaming's own cost);
 *     routes interleaved repetition by repetition, medians;
 *   - `vlmbench serve` of the GGUF vs that llama-server driven directly, at one concurrency;
 *   - greedy image-prompt parity of runtime auto vs llama-mtmd-cli on N generated images.
 *
 *   npm run bench:gguf -- [--threads 1,2] [--tokens 128] [--reps 5] [--concurrency 4] [--requests 16]
 *                         [--tp-tokens 32] [--tp-threads N] [--parity 20] [--in-process]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { LLAMA_CPP_MEDIA_MARKER } from '../backends/llama-cpp/families.ts';
import { runServerCompletion } from '../backends/llama-cpp/server-completion.ts';
import { startLlamaServer } from '../backends/llama-cpp/server-process.ts';
import { ModelConfig } from '../src/config/schema.ts';
import type { Backend } from '../src/core/backend.ts';
import { userMessage, type VlmRequest } from '../src/core/request.ts';
import type { VlmOutput } from '../src/core/response.ts';
import { getFamily } from '../src/families/index.ts';
import { ensureBenchGguf } from '../src/fixtures/gguf/index.ts';
import { defaultFixturesDir } from '../src/fixtures/paths.ts';
import { loadBackend } from '../src/runner/backends.ts';
import { describeRuntime, findLlamaCppRuntime } from '../src/runtimes/llama-cpp.ts';
import { llamaBenchDecode, mtmdCli, mtmdCliAnswer, sameAnswer } from '../src/runtimes/native.ts';
import { throughputRoutes } from './gguf-throughput.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' }, tokens: { type: 'string', default: '128' }, reps: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4' }, requests: { type: 'string', default: '16' }, 'tp-tokens': { type: 'string', default: '32' },
    parity: { type: 'string', default: '20' }, 'tp-threads': { type: 'string' }, 'in-process': { type: 'boolean', default: false }, dir: { type: 'string' },
  },
});
const THREADS = args.threads.split(',').map(Number);
const TOKENS = Number(args.tokens);
const REPS = Number(args.reps);
const median = (xs: number[]): number => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN; };
const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
/** Byte tokens 0x80–0xFF (ids 131–258, src/fixtures/gguf/vocab.ts): random weights would make invalid UTF-8. */
const BAN: Array<[number, false]> = Array.from({ length: 128 }, (_, i) => [131 + i, false]);
const TEXT_PROMPT = 'Describe a busy street market in detail.';
const IMAGE_PROMPT = 'What is shown?';

const rt = findLlamaCppRuntime();
if (!rt) {
  console.error('bench:gguf needs the managed llama.cpp build: run `vlmbench runtimes build llama.cpp` first');
  process.exit(1);
}
const dir = path.resolve(args.dir ?? path.join(defaultFixturesDir(), 'bench-gguf'));
const files = await ensureBenchGguf(dir);
const image = path.join(dir, 'bench-image.png');
await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toFile(image);
const family = getFamily('llava-1.5');
const signal = new AbortController().signal;
/** Streamed: first token to last, client clock. */
const decodeTps = (o: VlmOutput): number => (o.usage.completionTokens - 1) / ((o.timings.endMs - o.timings.firstTokenMs!) / 1000);
/** One piece: the tokens after the first over everything after the prompt, client clock (HTTP included). */
const oneShotDecodeTps = (o: VlmOutput): number => (o.usage.completionTokens - 1) / ((o.timings.endMs - o.timings.prefillMs!) / 1000);

console.log(`runtime: ${describeRuntime(rt)} (${rt.dir})`);
console.log(`model: ${files.textModel} (34.1M parameters F16, vocab 8192) + ${path.basename(files.mmproj)} (112 px, 64 image tokens)`);
console.log(`host: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${load()} — shared with other jobs; all routes interleaved in this one run`);

async function backendFor(threads: number, runtime: 'auto' | 'in-process'): Promise<Backend> {
  return loadBackend(ModelConfig.parse({
    id: `bench-${runtime}-t${threads}`, family: 'llava-1.5', concurrency: 1,
    backend: { type: 'llama-cpp', model: files.textModel, mmproj: files.mmproj, threads, contextSize: 2048, runtime },
  }), { fixturesDir: dir, log: (m) => console.log(`  [log] ${m}`) });
}

const text: VlmRequest = { sampleId: 'text', messages: [userMessage(TEXT_PROMPT)], params: { maxTokens: TOKENS, temperature: 0, ignoreEos: true, logitBias: BAN } };
const textTiming: VlmRequest = { ...text, purpose: 'timing' };
const vision: VlmRequest = { sampleId: 'image', messages: [userMessage({ kind: 'path', path: image }, IMAGE_PROMPT)], params: { maxTokens: 1, temperature: 0, logitBias: BAN } };
const visionPrompt = family.renderPrompt(vision.messages, { imageMarker: LLAMA_CPP_MEDIA_MARKER }).prompt;
const lines: string[] = [];

for (const threads of THREADS) {
  const auto = await backendFor(threads, 'auto');
  // In process refuses logitBias (@fugood ignores it); its requests go without the ban.
  const inProc = args['in-process'] ? await backendFor(threads, 'in-process') : undefined;
  const noBan = (r: VlmRequest): VlmRequest => ({ ...r, params: { ...r.params, logitBias: undefined } });
  console.log(`threads ${threads}: runtime auto → ${auto.info.runtime}`);
  const f = { autoDecode: [] as number[], autoDecodeServer: [] as number[], autoStreamed: [] as number[], directStreamed: [] as number[], autoImage: [] as number[], nativeDecode: [] as number[], nativeImage: [] as number[], ipDecode: [] as number[], ipImage: [] as number[] };
  // The same build's llama-server driven directly, streamed: what streaming itself costs, without vlmbench.
  const direct = await startLlamaServer({ binary: rt.binaries['llama-server'], model: files.textModel, threads, slots: 1, contextSize: 2048, batchSize: 512, gpuLayers: 0, seed: 0 });
  const rendered = family.renderPrompt(text.messages, { imageMarker: LLAMA_CPP_MEDIA_MARKER });
  const directStreamed = async (): Promise<number> => decodeTps((await runServerCompletion(direct.url, { prompt: rendered.prompt, images: [], params: text.params, familyStop: rendered.stop, seed: 0, stream: true }, { signal })).output);
  let promptTokens = 0;
  try {
    await auto.generate({ ...text, params: { ...text.params, maxTokens: 8 } }, { signal });
    await auto.generate(vision, { signal });
    await directStreamed();
    if (inProc) { await inProc.generate(noBan({ ...text, params: { ...text.params, maxTokens: 8 } }), { signal }); await inProc.generate(noBan(vision), { signal }); }
    for (let r = 0; r < REPS; r++) {
      const t = await auto.generate(text, { signal });
      promptTokens = t.usage.promptTokens;
      f.autoDecode.push(oneShotDecodeTps(t));
      f.autoDecodeServer.push(t.serverMetrics?.predicted_per_second ?? Number.NaN);
      f.nativeDecode.push(...await llamaBenchDecode(rt, { model: files.textModel, threads, tokens: TOKENS, depth: promptTokens, reps: 1 }));
      f.autoStreamed.push(decodeTps(await auto.generate(textTiming, { signal })));
      f.directStreamed.push(await directStreamed());
      f.autoImage.push((await auto.generate(vision, { signal })).timings.prefillMs ?? Number.NaN);
      const n = await mtmdCli(rt, { model: files.textModel, mmproj: files.mmproj, image, prompt: visionPrompt, maxTokens: 1, threads });
      f.nativeImage.push(n.encodeMs + n.promptEvalMs);
      if (inProc) {
        f.ipDecode.push((await inProc.generate(noBan(text), { signal })).serverMetrics?.predicted_per_second ?? Number.NaN);
        f.ipImage.push((await inProc.generate(noBan(vision), { signal })).timings.prefillMs ?? Number.NaN);
      }
    }
  } finally {
    await auto.close?.();
    await inProc?.close?.();
    await direct.stop();
  }
  const m = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, median(v)])) as Record<keyof typeof f, number>;
  console.log(`  decode tok/s (client clock, median of ${REPS}): auto, scored (one piece) ${fmt(m.autoDecode)} (server figure ${fmt(m.autoDecodeServer)}), native llama-bench tg${TOKENS}@d${promptTokens} ${fmt(m.nativeDecode)}${inProc ? `, in-process ${fmt(m.ipDecode)}` : ''}`);
  console.log(`  streamed decode tok/s (first to last token): auto, timing requests ${fmt(m.autoStreamed)}, llama-server driven directly ${fmt(m.directStreamed)}`);
  console.log(`  image prompt ms (median): auto ${fmt(m.autoImage, 1)} (server prompt_ms), native mtmd-cli ${fmt(m.nativeImage, 1)} (CLIP encode + prompt eval)${inProc ? `, in-process ${fmt(m.ipImage, 1)}` : ''}`);
  lines.push(`threads ${threads} runtime auto: decode ratio to native: ${fmt(m.autoDecode / m.nativeDecode, 2)} (scored requests, one piece)`);
  lines.push(`threads ${threads} runtime auto: streamed decode ratio to native: ${fmt(m.autoStreamed / m.nativeDecode, 2)} (timing requests); to llama-server streamed directly: ${fmt(m.autoStreamed / m.directStreamed, 2)}`);
  lines.push(`threads ${threads} runtime auto: image prompt ratio to native: ${fmt(m.autoImage / m.nativeImage, 2)}`);
  if (inProc) {
    lines.push(`threads ${threads} in-process: decode ratio to native: ${fmt(m.ipDecode / m.nativeDecode, 2)}`);
    lines.push(`threads ${threads} in-process: image prompt ratio to native: ${fmt(m.ipImage / m.nativeImage, 2)}`);
  }
  console.log(`  load ${load()}`);
}

// serve vs llama-server at one concurrency, interleaved, medians.
{
  const concurrency = Number(args.concurrency);
  const threads = args['tp-threads'] ? Number(args['tp-threads']) : Math.max(...THREADS);
  const img336 = await sharp({ create: { width: 336, height: 336, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
  const routes = await throughputRoutes({
    rt, model: files.textModel, mmproj: files.mmproj, image: img336, prompt: IMAGE_PROMPT, threads, concurrency,
    requests: Number(args.requests), tokens: Number(args['tp-tokens']), ban: BAN, fixturesDir: dir,
  });
  const serve: number[] = [];
  const native: number[] = [];
  try {
    await routes.serve();
    await routes.native();
    for (let r = 0; r < Math.max(3, Math.ceil(REPS / 2)); r++) {
      serve.push((await routes.serve()).tps);
      native.push((await routes.native()).tps);
    }
  } finally {
    await routes.close();
  }
  console.log(`throughput, ${args.requests} image requests × ${args['tp-tokens']} tokens, concurrency ${concurrency}, ${threads} threads: serve ${fmt(median(serve), 1)} tok/s [${serve.map((x) => fmt(x)).join(' ')}], llama-server ${fmt(median(native), 1)} tok/s [${native.map((x) => fmt(x)).join(' ')}]`);
  lines.push(`serve throughput ratio to llama-server (concurrency ${concurrency}): ${fmt(median(serve) / median(native), 2)}`);
}

// Greedy image parity: runtime auto vs llama-mtmd-cli of the same build, on N generated images.
{
  const n = Number(args.parity);
  const b = await backendFor(1, 'auto');
  let same = 0;
  try {
    for (let i = 0; i < n; i++) {
      const png = path.join(dir, `parity-${i}.png`);
      const w = 64 + ((i * 37) % 200);
      const h = 48 + ((i * 53) % 180);
      const raw = Buffer.alloc(w * h * 3);
      for (let p = 0; p < w * h; p++) raw.set([(p * (i + 3)) % 256, ((p >> 4) * (i + 7)) % 256, (i * 29 + (p % w)) % 256], p * 3);
      await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(png);
      const req: VlmRequest = { sampleId: `parity-${i}`, messages: [userMessage({ kind: 'path', path: png }, IMAGE_PROMPT)], params: { maxTokens: 32, temperature: 0, logitBias: BAN } };
      const out = await b.generate(req, { signal });
      const { prompt, stop } = family.renderPrompt(req.messages, { imageMarker: LLAMA_CPP_MEDIA_MARKER });
      const native = (await mtmdCliAnswer(rt, { model: files.textModel, mmproj: files.mmproj, image: png, prompt, maxTokens: 32, threads: 1, ban: BAN.map(([t]) => t) }));
      if (sameAnswer(out.text, native, stop)) same++;
      else console.log(`  parity ${i}: auto ${JSON.stringify(out.text)} vs mtmd-cli ${JSON.stringify(native)}`);
    }
  } finally {
    await b.close?.();
  }
  lines.push(`image greedy parity runtime auto vs llama-mtmd-cli: ${same}/${n}`);
}

console.log();
for (const l of lines) console.log(l);
console.log(`load at the end: ${load()}`);
