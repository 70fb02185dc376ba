import type { Tokenizer } from '@huggingface/tokenizers';
import { BackendError, ModelFileError } from '../../src/core/errors.ts';

/** Original-LLaVA placeholder id (`IMAGE_TOKEN_INDEX`), spliced in by `tokenizer_image_token`. */
export const SPLICE_PLACEHOLDER = -200;
/** The literal placeholder families render into prompts. */
export const IMAGE_MARKER = '<image>';

export type MergeStyle = 'repeat' | 'splice';

export interface PromptIds {
  /** Token ids; image positions hold imageTokenId (repeat, one per feature) or −200 (splice, one per image). */
  ids: number[];
  /** Number of LM positions the prompt occupies after the merge. */
  positions: number;
  /** Feature rows per image, in prompt order. */
  featureCounts: number[];
}

/**
 * Tokenise a rendered prompt in one of the two placeholder conventions (LLaVA `llava/mm_utils.py` `tokenizer_image_token`; llava-hf processors):
 * - repeat (HF processor): `<image>` is a vocab token, expanded to one copy per image feature;
 * - splice (LLaVA / TinyLLaVA / VILA `tokenizer_image_token`): text chunks around `<image>` are
 *   tokenised separately (BOS only on the first) with −200 between them.
 */
export function tokenizePrompt(
  tokenizer: Tokenizer, prompt: string, featureCounts: number[], style: MergeStyle, imageTokenId: number | undefined, file: string,
): PromptIds {
  const chunks = prompt.split(IMAGE_MARKER);
  if (chunks.length - 1 !== featureCounts.length) {
    throw new BackendError(`prompt has ${chunks.length - 1} ${IMAGE_MARKER} placeholders but the request has ${featureCounts.length} images`, {
      hint: 'The family template places one <image> per image part; check the request messages.',
    });
  }
  const totalFeatures = featureCounts.reduce((a, b) => a + b, 0);
  if (style === 'splice') {
    const ids: number[] = [];
    chunks.forEach((chunk, i) => {
      if (i > 0) ids.push(SPLICE_PLACEHOLDER);
      ids.push(...tokenizer.encode(chunk, { add_special_tokens: i === 0 }).ids);
    });
    return { ids, positions: ids.length - featureCounts.length + totalFeatures, featureCounts };
  }
  if (imageTokenId === undefined) {
    throw new ModelFileError('merge: repeat needs an image token id, but config.json has no image_token_index', {
      file, field: 'image_token_index', hint: 'Add image_token_index to config.json, or set backend.merge: splice.',
    });
  }
  const encoded = tokenizer.encode(prompt).ids;
  const ids: number[] = [];
  let image = 0;
  for (const id of encoded) {
    if (id !== imageTokenId) { ids.push(id); continue; }
    const n = featureCounts[image++];
    if (n === undefined) break;
    for (let k = 0; k < n; k++) ids.push(id);
  }
  if (image !== featureCounts.length) {
    throw new ModelFileError(`tokenizer produced ${image} image tokens (id ${imageTokenId}) for ${featureCounts.length} images`, {
      file, field: 'image_token_index', hint: `tokenizer.json must have ${IMAGE_MARKER} as a special added token with id ${imageTokenId}.`,
    });
  }
  return { ids, positions: ids.length, featureCounts };
}

/**
 * Merge image features into token embeddings. `embeds` are the embed_tokens rows for the ids that
 * are not −200 (splice) or for all ids (repeat); `features` holds every image's rows in prompt order.
 */
export function mergeEmbeddings(
  prompt: PromptIds, embeds: Float32Array, features: Float32Array, dim: number, style: MergeStyle, imageTokenId: number | undefined,
): Float32Array {
  if (style === 'repeat') {
    // Masked scatter: image-token rows are overwritten in order (default_merge_input_ids_with_features).
    const out = embeds;
    let f = 0;
    prompt.ids.forEach((id, pos) => {
      if (id !== imageTokenId) return;
      out.set(features.subarray(f * dim, (f + 1) * dim), pos * dim);
      f++;
    });
    if (f * dim !== features.length) throw new BackendError(`number of image tokens (${f}) and features (${features.length / dim}) do not match`);
    return out;
  }
  const out = new Float32Array(prompt.positions * dim);
  let src = 0;
  let feat = 0;
  let o = 0;
  let image = 0;
  for (const id of prompt.ids) {
    if (id === SPLICE_PLACEHOLDER) {
      const rows = prompt.featureCounts[image++]!;
      out.set(features.subarray(feat * dim, (feat + rows) * dim), o * dim);
      feat += rows;
      o += rows;
    } else {
      out.set(embeds.subarray(src * dim, (src + 1) * dim), o * dim);
      src++;
      o++;
    }
  }
  if (feat * dim !== features.length) throw new BackendError(`spliced ${feat} feature rows but the vision encoder gave ${features.length / dim}`);
  return out;
}
