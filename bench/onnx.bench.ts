/**
 * ONNX backend vs transformers.js on the same export, prompt, pixel values and thread count.
 *
 *   npm run bench:onnx -- [--preset tiny|medium] [--provider cpu|cuda|auto] [--threads 1]
 *                         [--tokens 128] [--runs 5] [--dir <export folder>] [--family llava-1.5]
 *
 * Prints per-stage medians for this backend (preprocess, vision encode, prefill, decode) and, for
 * both, time to first token and decode tokens/s (tokens after the first / time after the first),
 * and whether both produced identical token ids. Generation ignores EOS so both make N tokens.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeLoop } from '../backends/onnx/generate.ts';
import { preparePrompt, visionOverrides } from '../backends/onnx/inputs.ts';
import { loadOnnxModel } from '../backends/onnx/model.ts';
import { userMessage } from '../src/core/request.ts';
import type { ImageSource, VlmRequest } from '../src/core/request.ts';
import { TINY_LLAVA15, writeTinyOnnxModel } from '../src/fixtures/onnx/index.ts';
import type { TinyOnnxSpec } from '../src/fixtures/onnx/index.ts';
import { getFamily } from '../src/families/index.ts';

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' },
    provider: { type: 'string', default: 'cpu' },
    threads: { type: 'string', default: '1' },
    tokens: { type: 'string', default: '128' },
    runs: { type: 'string', default: '5' },
    dir: { type: 'string' },
    family: { type: 'string', default: 'llava-1.5' },
  },
});

/** `medium`: 576 image tokens (336 px, patch 14), 8 layers × 512 wide: ≈ 20 M decoder parameters. */
const PRESETS: Record<string, TinyOnnxSpec> = {
  tiny: TINY_LLAVA15,
  medium: {
    ...TINY_LLAVA15, seed: 7, imageSize: 336, patchSize: 14, visionChannels: 256,
    decoder: { hidden: 512, heads: 8, layers: 8, ffn: 1408, maxPositions: 2048, logitsToKeep: true },
  },
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (v: number | undefined, digits = 2): string => (v === undefined ? '—' : v.toFixed(digits));

async function benchImage(): Promise<ImageSource> {
  const { default: sharp } = await import('sharp');
  const w = 640;
  const h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) raw.set([(i % w) % 256, Math.floor(i / w) % 256, (i * 7) % 256], i * 3);
  return { kind: 'buffer', data: await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer(), name: 'bench.jpg' };
}

async function main(): Promise<void> {
  const threads = Number(args.threads);
  const tokens = Number(args.tokens);
  const runs = Number(args.runs);
  const provider = args.provider as 'cpu' | 'cuda' | 'auto';
  const preset = PRESETS[args.preset!];
  if (!preset) throw new Error(`unknown preset ${args.preset}; use tiny or medium`);
  const dir = args.dir ?? await writeTinyOnnxModel(path.join(await mkdtemp(path.join(os.tmpdir(), 'vlmbench-onnx-bench-')), `bench-${args.preset}`), preset);
  const family = getFamily(args.family!);
  const req: VlmRequest = {
    sampleId: 'bench',
    messages: [userMessage(await benchImage(), 'Describe the image in detail.')],
    params: { maxTokens: tokens, temperature: 0, ignoreEos: true },
  };

  const model = await loadOnnxModel({ dir, dtype: '', provider, deviceId: 0, threads });
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.useFSCache = false;
  tf.env.localModelPath = `${path.dirname(dir)}/`;
  const hf = await tf.LlavaForConditionalGeneration.from_pretrained(path.basename(dir), {
    dtype: 'fp32', device: provider === 'cuda' ? 'cuda' : 'cpu', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  const image = req.messages[0]!.content.find((p) => p.type === 'image')!.image as ImageSource;

  /** This backend: the same calls backend.generate makes, plus the token ids. */
  const runOurs = async () => {
    const start = performance.now();
    const prepared = await preparePrompt(model, family, req, { merge: 'repeat' });
    return { prepared, ...(await decodeLoop(model, prepared, { ...req.params, seed: 0 }, { signal: new AbortController().signal }, { start, startedAt: Date.now() })) };
  };
  /** transformers.js: our prompt ids (checked equal to its processor's in the parity test) and family pixels. */
  const runTheirs = async (promptIds: number[]) => {
    const start = performance.now();
    const pre = await family.preprocess(image, visionOverrides(model));
    const stamps: number[] = [];
    const streamer = { put: (ids: bigint[][]) => { if (ids[0]!.length === 1) stamps.push(performance.now() - start); }, end: () => undefined };
    const ids = BigInt64Array.from(promptIds, BigInt);
    const out = await hf.generate({
      input_ids: new tf.Tensor('int64', ids, [1, ids.length]),
      attention_mask: new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      pixel_values: new tf.Tensor('float32', pre.data, pre.shape),
      // eos_token_id null: no EOS stop, so both sides produce exactly `tokens` ids.
      max_new_tokens: tokens, do_sample: false, eos_token_id: null, streamer,
    } as Record<string, unknown>) as import('@huggingface/transformers').Tensor;
    return { total: performance.now() - start, stamps, ids: Array.from(out.data as BigInt64Array, Number).slice(ids.length) };
  };

  const ours = { preprocess: [] as number[], vision: [] as number[], prefill: [] as number[], ttft: [] as number[], tps: [] as number[], total: [] as number[] };
  const theirs = { ttft: [] as number[], tps: [] as number[], total: [] as number[] };
  let ourIds: number[] = [];
  let theirIds: number[] = [];
  let promptTokens = 0;
  let imageTokens = 0;
  // Interleaved, so load from other processes on a shared machine hits both sides alike. Run 0 warms up.
  for (let r = 0; r <= runs; r++) {
    const a = await runOurs();
    const b = await runTheirs(a.prepared.ids.ids);
    if (r === 0) {
      ourIds = a.tokenIds;
      theirIds = b.ids;
      promptTokens = a.output.usage.promptTokens;
      imageTokens = a.output.usage.imageTokens ?? 0;
      continue;
    }
    const t = a.output.timings;
    ours.preprocess.push(t.preprocessMs!);
    ours.vision.push(t.visionEncodeMs!);
    ours.prefill.push(t.prefillMs!);
    ours.ttft.push(t.firstTokenMs!);
    ours.tps.push((a.tokenIds.length - 1) / ((t.chunkMs.at(-1)! - t.firstTokenMs!) / 1000));
    ours.total.push(t.endMs);
    theirs.ttft.push(b.stamps[0]!);
    theirs.tps.push((b.stamps.length - 1) / ((b.stamps.at(-1)! - b.stamps[0]!) / 1000));
    theirs.total.push(b.total);
  }

  const identical = ourIds.length === theirIds.length && ourIds.every((id, i) => id === theirIds[i]);
  const rows: Array<[string, string, string]> = [
    ['preprocess ms (family, sharp)', fmt(median(ours.preprocess)), 'same input'],
    ['vision encode ms', fmt(median(ours.vision)), '—'],
    ['prefill ms', fmt(median(ours.prefill)), '—'],
    ['time to first token ms', fmt(median(ours.ttft)), fmt(median(theirs.ttft))],
    ['decode tokens/s', fmt(median(ours.tps), 0), fmt(median(theirs.tps), 0)],
    // Best run: least disturbed by other processes on a shared machine.
    ['decode tokens/s (best run)', fmt(Math.max(...ours.tps), 0), fmt(Math.max(...theirs.tps), 0)],
    ['decode ms/token', fmt(1000 / median(ours.tps), 3), fmt(1000 / median(theirs.tps), 3)],
    ['total ms', fmt(median(ours.total)), fmt(median(theirs.total))],
  ];
  console.log(`ONNX backend vs transformers.js 4.3.2 — preset ${args.preset} (${dir})`);
  console.log(`provider ${model.device}, threads ${threads}, prompt ${promptTokens} tokens (${imageTokens} image), ${tokens} new tokens, median of ${runs} runs after 1 warm-up`);
  console.log(`${'stage'.padEnd(32)}${'vlmbench onnx'.padStart(16)}${'transformers.js'.padStart(18)}`);
  for (const [k, a, b] of rows) console.log(`${k.padEnd(32)}${a.padStart(16)}${b.padStart(18)}`);
  console.log(`decode speed-up: ${(median(ours.tps) / median(theirs.tps)).toFixed(2)}× median, ${(Math.max(...ours.tps) / Math.max(...theirs.tps)).toFixed(2)}× best  (goal ≥ 1.5×)   identical tokens: ${identical ? 'yes' : `NO (${ourIds.slice(0, 8)} vs ${theirIds.slice(0, 8)})`}`);
  await hf.dispose();
  await model.close();
  if (!identical) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  const { formatError } = await import('../src/core/errors.ts');
  console.error(formatError(err));
  process.exitCode = 2;
}
