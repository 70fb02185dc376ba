import type { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { BackendError } from '../../src/core/errors.ts';
import { toFloat32 } from './f16.ts';
import type { DecoderSignature } from './signature.ts';

type Ort = typeof import('onnxruntime-node');

/** KV cache between decoder calls: `present.*` of one step become `past_key_values.*` of the next. */
export interface KvCache {
  past: Record<string, Tensor>;
  /** Tokens already in the cache. */
  length: number;
}

export interface DecoderRunner {
  readonly signature: DecoderSignature;
  emptyCache(): KvCache;
  /**
   * One decoder call over `embeds` [1,S,D] after `cache`. Returns float32 logits for the last
   * position only (`lastOnly`) or for all S positions, and the grown cache.
   */
  forward(embeds: Tensor, cache: KvCache, lastOnly: boolean): Promise<{ logits: Float32Array; vocab: number; cache: KvCache }>;
}

export function createDecoderRunner(ort: Ort, session: InferenceSession, sig: DecoderSignature): DecoderRunner {
  const kvNames = Array.from({ length: sig.layers }, (_, l) => [`${l}.key`, `${l}.value`]).flat();
  const emptyData = (): Float32Array | Uint16Array => (sig.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0));
  // One all-ones buffer serves every attention_mask (a view of the first `total` entries).
  let ones = new BigInt64Array(0);
  const mask = (total: number): BigInt64Array => {
    if (ones.length < total) ones = new BigInt64Array(Math.max(total, 2 * ones.length)).fill(1n);
    return ones.subarray(0, total);
  };

  return {
    signature: sig,
    emptyCache() {
      // Zero-length past tensors shaped from the graph, as transformers.js does (transformers.js `src/models.js` `getPastKeyValues`).
      const past: Record<string, Tensor> = {};
      for (const n of kvNames) past[`past_key_values.${n}`] = new ort.Tensor(sig.kvType, emptyData(), [1, sig.kvHeads, 0, sig.headDim]);
      return { past, length: 0 };
    },
    async forward(embeds, cache, lastOnly) {
      const seq = embeds.dims[1]!;
      const total = cache.length + seq;
      const feeds: Record<string, Tensor> = { inputs_embeds: embeds, ...cache.past };
      feeds.attention_mask = new ort.Tensor('int64', mask(total), [1, total]);
      if (sig.hasPositionIds) {
        // cumsum(mask) − 1 over an all-ones mask: positions continue after the cache.
        const pos = new BigInt64Array(seq);
        for (let i = 0; i < seq; i++) pos[i] = BigInt(cache.length + i);
        feeds.position_ids = new ort.Tensor('int64', pos, [1, seq]);
      }
      if (sig.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([cache.length > 0 ? 1 : 0]), [1]);
      if (sig.hasNumLogitsToKeep) feeds.num_logits_to_keep = new ort.Tensor('int64', new BigInt64Array([lastOnly ? 1n : 0n]), []);

      let out: InferenceSession.OnnxValueMapType;
      try {
        out = await session.run(feeds);
      } catch (err) {
        throw new BackendError(`decoder_model_merged failed: ${(err as Error).message}`, { cause: err });
      }
      const logitsT = out.logits!;
      const vocab = logitsT.dims.at(-1)!;
      const rows = logitsT.dims[1]!;
      const all = toFloat32(logitsT.data as Float32Array | Uint16Array);
      const logits = lastOnly ? all.subarray((rows - 1) * vocab, rows * vocab) : all;
      const past: Record<string, Tensor> = {};
      for (const n of kvNames) past[`past_key_values.${n}`] = out[`present.${n}`]!;
      return { logits, vocab, cache: { past, length: total } };
    },
  };
}
