import type { Tokenizer } from '@huggingface/tokenizers';
import type { Tensor } from 'onnxruntime-node';
import { BackendError, ModelFileError } from '../../src/core/errors.ts';
import { createDecoderRunner } from './decoder.ts';
import type { DecoderRunner } from './decoder.ts';
import { fromFloat32, toFloat32 } from './f16.ts';
import { readExportConfig, readJson, resolveModelFiles } from './files.ts';
import type { ExportConfig, ModelFiles } from './files.ts';
import { openSessions, releaseAll } from './sessions.ts';
import type { SessionOptions } from './sessions.ts';
import { checkDecoder, checkEmbedTokens, checkVisionEncoder } from './signature.ts';
import type { DecoderSignature, VisionSignature } from './signature.ts';

type Ort = typeof import('onnxruntime-node');

export interface EncodedImage {
  /** [tiles·perTile·dim] float32, tile-major. */
  features: Float32Array;
  tiles: number;
  perTile: number;
  dim: number;
  newline?: Float32Array;
}

/** A loaded export: three sessions, their checked signatures, the tokenizer and config. */
export interface OnnxModel {
  readonly ort: Ort;
  readonly files: ModelFiles;
  readonly config: ExportConfig;
  readonly device: string;
  readonly warnings: string[];
  readonly tokenizer: Tokenizer;
  readonly vision: VisionSignature;
  readonly decoder: DecoderRunner;
  /** embed_tokens rows for `ids` as float32 [S·D]. */
  embed(ids: number[]): Promise<Float32Array>;
  /** embed_tokens output for one decode step, already in the decoder's input dtype. */
  embedStep(id: number): Promise<Tensor>;
  /** Wrap float32 rows [S·D] as the decoder's inputs_embeds tensor. */
  embedsTensor(rows: Float32Array, seq: number): Tensor;
  encodeImage(data: Float32Array, shape: readonly number[]): Promise<EncodedImage>;
  close(): Promise<void>;
}

export interface LoadOptions extends SessionOptions {
  dir: string;
  dtype: string;
}

async function loadTokenizer(files: ModelFiles): Promise<Tokenizer> {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const json = await readJson(files.tokenizer);
  const config = files.tokenizerConfig ? await readJson(files.tokenizerConfig) : {};
  try {
    return new Tokenizer(json, config);
  } catch (err) {
    throw new ModelFileError(`cannot build a tokenizer from tokenizer.json: ${(err as Error).message}`, { file: files.tokenizer, cause: err });
  }
}

async function run(session: import('onnxruntime-node').InferenceSession, feeds: Record<string, Tensor>, graph: string): Promise<Record<string, Tensor>> {
  try {
    return await session.run(feeds);
  } catch (err) {
    throw new BackendError(`${graph} failed: ${(err as Error).message}`, { cause: err });
  }
}

export async function loadOnnxModel(opts: LoadOptions): Promise<OnnxModel> {
  const ort = await import('onnxruntime-node');
  const files = await resolveModelFiles(opts.dir, opts.dtype);
  const config = await readExportConfig(files);
  const tokenizer = await loadTokenizer(files);
  const { sessions, device, warnings } = await openSessions(files, opts);
  let vision: VisionSignature;
  let decoderSig: DecoderSignature;
  try {
    checkEmbedTokens(sessions.embed_tokens, files);
    vision = checkVisionEncoder(sessions.vision_encoder, files);
    decoderSig = checkDecoder(sessions.decoder_model_merged, files);
  } catch (err) {
    // A rejected export must not keep its three sessions (and their weights) in native memory.
    await releaseAll(sessions);
    throw err;
  }
  const decoder = createDecoderRunner(ort, sessions.decoder_model_merged, decoderSig);
  const idsTensor = (ids: number[]): Tensor => new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
  // embed_tokens is a pure lookup, so a decode step's row can be reused for a repeated id; this saves
  // one session run per step (≈ 15% of a tiny model's step). Bounded: a real vocab is not cached whole.
  const stepCache = new Map<number, Tensor>();
  const STEP_CACHE_MAX = 4096;

  return {
    ort, files, config, device, warnings, tokenizer, vision, decoder,
    async embed(ids) {
      const out = await run(sessions.embed_tokens, { input_ids: idsTensor(ids) }, 'embed_tokens');
      return toFloat32(out.inputs_embeds!.data as Float32Array | Uint16Array);
    },
    async embedStep(id) {
      const cached = stepCache.get(id);
      if (cached) return cached;
      let out = (await run(sessions.embed_tokens, { input_ids: idsTensor([id]) }, 'embed_tokens')).inputs_embeds!;
      if (out.type !== decoderSig.embedsType) {
        const rows = toFloat32(out.data as Float32Array | Uint16Array);
        out = new ort.Tensor(decoderSig.embedsType, fromFloat32(rows, decoderSig.embedsType), out.dims);
      }
      if (stepCache.size >= STEP_CACHE_MAX) stepCache.clear();
      stepCache.set(id, out);
      return out;
    },
    embedsTensor(rows, seq) {
      return new ort.Tensor(decoderSig.embedsType, fromFloat32(rows, decoderSig.embedsType), [1, seq, rows.length / seq]);
    },
    async encodeImage(data, shape) {
      const meta = sessions.vision_encoder.inputMetadata.find((m) => m.name === 'pixel_values') as { type?: string } | undefined;
      const type = meta?.type === 'float16' ? 'float16' : 'float32';
      const pixels = new ort.Tensor(type, fromFloat32(data, type), [...shape]);
      const out = await run(sessions.vision_encoder, { pixel_values: pixels }, 'vision_encoder');
      const f = out[vision.featuresOutput]!;
      const [tiles, perTile, dim] = f.dims.length === 3 ? f.dims : [1, f.dims[0]!, f.dims[1]!];
      const newline = vision.newlineOutput ? toFloat32(out[vision.newlineOutput]!.data as Float32Array | Uint16Array) : undefined;
      return { features: toFloat32(f.data as Float32Array | Uint16Array), tiles: tiles!, perTile: perTile!, dim: dim!, newline };
    },
    async close() {
      for (const s of Object.values(sessions)) await s.release();
    },
  };
}
