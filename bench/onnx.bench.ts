/**
 * ONNX backend vs transformers.js on the same export, prompt, pixel values and thread count.
 *
 *   npm run bench:onnx -- [--family all|llava-v1|llava-1.5|llava-1.6|tinyllava|vila] [--preset tiny|medium]
 *                         [--provider cpu|cuda|auto] [--threads 1] [--tokens 128] [--runs 5] [--dir <export folder>]
 *
 * Per family (default: all five, on their tiny generated exports): per-stage medians for this backend
 * (preprocess, vision encode, prefill, decode) and, where transformers.js implements the architecture
 * (LLaVA v1 and 1.5: `LlavaForConditionalGeneration`), its time to first token and decode tokens/s
 * (tokens after the first / time after the first) and whether both produced identical token ids.
 * LLaVA-1.6 (AnyRes feature assembly), TinyLLaVA and VILA (spliced placeholders, model types
 * transformers.js does not have) report this backend's figures only. Generation ignores EOS.
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
import { TINY_LLAVA15, ensureOnnxFixtures, writeTinyOnnxModel } from '../src/fixtures/onnx/index.ts';
import type { OnnxFixtures } from '../src/fixtures/onnx/index.ts';
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
    family: { type: 'string', default: 'all' },
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

/** Each family's tiny export and how the backend runs it (the quickstart's settings). */
interface FamilyRun { family: string; fixture: keyof OnnxFixtures; merge: 'repeat' | 'splice'; template?: string; transformersJs: boolean; why?: string }
const FAMILY_RUNS: FamilyRun[] = [
  { family: 'llava-v1', fixture: 'llavaV1', merge: 'repeat', transformersJs: true },
  { family: 'llava-1.5', fixture: 'llava15', merge: 'repeat', transformersJs: true },
  { family: 'llava-1.6', fixture: 'llava16', merge: 'repeat', transformersJs: false, why: 'AnyRes export of this project, not the llava_next layout' },
  { family: 'tinyllava', fixture: 'tinyllava', merge: 'splice', transformersJs: false, why: 'no tinyllava model type in transformers.js' },
  { family: 'vila', fixture: 'vila', merge: 'splice', template: 'llama_3', transformersJs: false, why: 'no VILA model type in transformers.js' },
];

interface Summary { family: string; prompt: string; ours: number; theirs?: number; identical?: boolean; why?: string }

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
  const provider = args.provider as 'cpu' | 'cuda' | 'auto';
  const preset = PRESETS[args.preset!];
  if (!preset) throw new Error(`unknown preset ${args.preset}; use tiny or medium`);
  const root = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-onnx-bench-'));
  const runs = args.family === 'all' ? FAMILY_RUNS : FAMILY_RUNS.filter((f) => f.family === args.family);
  if (runs.length === 0) throw new Error(`unknown family ${args.family}; use all or one of ${FAMILY_RUNS.map((f) => f.family).join(', ')}`);
  const image = await benchImage();
  const summaries: Summary[] = [];
  for (const run of runs) {
    // --dir and the medium preset replace the llava-1.5 export (the one transformers.js runs in full).
    let dir: string;
    if (args.dir) dir = args.dir;
    else if (args.preset !== 'tiny' && run.family === 'llava-1.5') dir = await writeTinyOnnxModel(path.join(root, `bench-${args.preset}`), preset);
    else dir = (await ensureOnnxFixtures(root))[run.fixture];
    summaries.push(await benchFamily(run, dir, image, provider));
  }
  if (summaries.length > 1) {
    console.log(`\nper family — decode tokens/s (median), provider ${provider}, threads ${args.threads}, ${args.tokens} new tokens`);
    console.log(`${'family'.padEnd(12)}${'prompt (image)'.padStart(16)}${'vlmbench onnx'.padStart(15)}${'transformers.js'.padStart(17)}${'speed-up'.padStart(10)}  identical`);
    for (const r of summaries) {
      const speedup = r.theirs === undefined ? '—' : `${(r.ours / r.theirs).toFixed(2)}×`;
      const same = r.identical === undefined ? `n/a (${r.why})` : r.identical ? 'yes' : 'NO';
      console.log(`${r.family.padEnd(12)}${r.prompt.padStart(16)}${fmt(r.ours, 0).padStart(15)}${fmt(r.theirs, 0).padStart(17)}${speedup.padStart(10)}  ${same}`);
    }
  }
  if (summaries.some((r) => r.identical === false)) process.exitCode = 1;
}

async function benchFamily(run: FamilyRun, dir: string, image: ImageSource, provider: 'cpu' | 'cuda' | 'auto'): Promise<Summary> {
  const threads = Number(args.threads);
  const tokens = Number(args.tokens);
  const runs = Number(args.runs);
  const family = getFamily(run.family);
  const req: VlmRequest = {
    sampleId: 'bench',
    messages: [userMessage(image, 'Describe the image in detail.')],
    params: { maxTokens: tokens, temperature: 0, ignoreEos: true },
  };

  const model = await loadOnnxModel({ dir, dtype: '', provider, deviceId: 0, threads });
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.useFSCache = false;
  tf.env.localModelPath = `${path.dirname(dir)}/`;
  const hf = run.transformersJs ? await tf.LlavaForConditionalGeneration.from_pretrained(path.basename(dir), {
    dtype: 'fp32', device: provider === 'cuda' ? 'cuda' : 'cpu', session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  }) : undefined;

  /** This backend: the same calls backend.generate makes, plus the token ids. */
  const runOurs = async () => {
    const start = performance.now();
    const prepared = await preparePrompt(model, family, req, { merge: run.merge, template: run.template });
    return { prepared, ...(await decodeLoop(model, prepared, { ...req.params, seed: 0 }, { signal: new AbortController().signal }, { start, startedAt: Date.now() })) };
  };
  /** transformers.js: our prompt ids (checked equal to its processor's in the parity test) and family pixels. */
  const runTheirs = async (promptIds: number[]) => {
    const start = performance.now();
    const pre = await family.preprocess(image, visionOverrides(model));
    const stamps: number[] = [];
    const streamer = { put: (ids: bigint[][]) => { if (ids[0]!.length === 1) stamps.push(performance.now() - start); }, end: () => undefined };
    const ids = BigInt64Array.from(promptIds, BigInt);
    const out = await hf!.generate({
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
    const b = hf ? await runTheirs(a.prepared.ids.ids) : undefined;
    if (r === 0) {
      ourIds = a.tokenIds;
      theirIds = b?.ids ?? [];
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
    if (!b) continue;
    theirs.ttft.push(b.stamps[0]!);
    theirs.tps.push((b.stamps.length - 1) / ((b.stamps.at(-1)! - b.stamps[0]!) / 1000));
    theirs.total.push(b.total);
  }

  const identical = ourIds.length === theirIds.length && ourIds.every((id, i) => id === theirIds[i]);
  const other = (v: number[], f: (xs: number[]) => number, digits = 2): string => (hf ? fmt(f(v), digits) : '—');
  const rows: Array<[string, string, string]> = [
    ['preprocess ms (family, sharp)', fmt(median(ours.preprocess)), hf ? 'same input' : '—'],
    ['vision encode ms', fmt(median(ours.vision)), '—'],
    ['prefill ms', fmt(median(ours.prefill)), '—'],
    ['time to first token ms', fmt(median(ours.ttft)), other(theirs.ttft, median)],
    ['decode tokens/s', fmt(median(ours.tps), 0), other(theirs.tps, median, 0)],
    // Best run: least disturbed by other processes on a shared machine.
    ['decode tokens/s (best run)', fmt(Math.max(...ours.tps), 0), other(theirs.tps, (xs) => Math.max(...xs), 0)],
    ['decode ms/token', fmt(1000 / median(ours.tps), 3), other(theirs.tps, (xs) => 1000 / median(xs), 3)],
    ['total ms', fmt(median(ours.total)), other(theirs.total, median)],
  ];
  console.log(`\n${run.family}: ONNX backend${hf ? ' vs transformers.js 4.3.2' : ` (not compared: ${run.why})`} — preset ${args.preset} (${dir})`);
  console.log(`provider ${model.device}, threads ${threads}, merge ${run.merge}${run.template ? `, template ${run.template}` : ''}, prompt ${promptTokens} tokens (${imageTokens} image), ${tokens} new tokens, median of ${runs} runs after 1 warm-up`);
  console.log(`${'stage'.padEnd(32)}${'vlmbench onnx'.padStart(16)}${'transformers.js'.padStart(18)}`);
  for (const [k, a, b] of rows) console.log(`${k.padEnd(32)}${a.padStart(16)}${b.padStart(18)}`);
  if (hf) {
    console.log(`decode speed-up: ${(median(ours.tps) / median(theirs.tps)).toFixed(2)}× median, ${(Math.max(...ours.tps) / Math.max(...theirs.tps)).toFixed(2)}× best  (goal ≥ 1.5×)   identical tokens: ${identical ? 'yes' : `NO (${ourIds.slice(0, 8)} vs ${theirIds.slice(0, 8)})`}`);
    await hf.dispose();
  }
  await model.close();
  return {
    family: run.family, prompt: `${promptTokens} (${imageTokens})`, ours: median(ours.tps), why: run.why,
    ...(hf ? { theirs: median(theirs.tps), identical } : {}),
  };
}

try {
  await main();
} catch (err) {
  const { formatError } = await import('../src/core/errors.ts');
  console.error(formatError(err));
  process.exitCode = 2;
}
