import { BackendError, ModelFileError } from '../../src/core/errors.ts';
import { now } from '../../src/core/backend.ts';
import { imagesOf } from '../../src/core/request.ts';
import type { VlmRequest } from '../../src/core/request.ts';
import type { Family, PreprocessedImage, VisionOverrides } from '../../src/families/index.ts';
import { assembleAnyResFeatures } from './anyres.ts';
import type { RenderPrompt } from './chat-template.ts';
import type { OnnxModel } from './model.ts';
import { SPLICE_PLACEHOLDER, mergeEmbeddings, tokenizePrompt } from './prompt.ts';
import type { MergeStyle, PromptIds } from './prompt.ts';

export interface PreparedPrompt {
  prompt: string;
  stop: string[];
  ids: PromptIds;
  /** Merged inputs_embeds rows [length·D], float32. */
  embeds: Float32Array;
  dim: number;
  imageTokens: number;
  preprocessMs: number;
  visionEncodeMs: number;
}

/** Vision sizes the family must use for this export (tiny models use tiny tiles). */
export function visionOverrides(model: OnnxModel): VisionOverrides {
  const o: VisionOverrides = {};
  const size = model.vision.imageSize ?? model.config.imageSize;
  if (size !== undefined) o.imageSize = size;
  if (model.config.patchSize !== undefined) o.patchSize = model.config.patchSize;
  if (model.config.gridPinpoints) o.pinpoints = model.config.gridPinpoints;
  return o;
}

/** Image features in LM order: plain tiles, or AnyRes base + unpadded grid + newlines. */
function imageFeatures(model: OnnxModel, pre: PreprocessedImage, enc: Awaited<ReturnType<OnnxModel['encodeImage']>>): Float32Array {
  const file = model.files.graphs.vision_encoder;
  let rows: Float32Array = enc.features;
  if (pre.grid) {
    if (!enc.newline) {
      throw new ModelFileError('the family tiles this image (AnyRes) but vision_encoder has no image_newline output', {
        file, field: 'image_newline', hint: 'Export the LLaVA-1.6 vision encoder with an image_newline output, or use a family without AnyRes.',
      });
    }
    const side = Math.round(Math.sqrt(enc.perTile));
    rows = assembleAnyResFeatures({ features: enc.features, dim: enc.dim, side, grid: pre.grid, unpaddedHW: pre.grid.unpaddedHW, newline: enc.newline });
  }
  const count = rows.length / enc.dim;
  if (count !== pre.tokens) {
    throw new ModelFileError(`vision_encoder gives ${count} feature rows per image but the family expects ${pre.tokens}`, {
      file, field: 'image_features',
      hint: 'Check the export against the family (feature-layer select, CLS token, image size and patch size in config.json).',
    });
  }
  return rows;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export async function preparePrompt(
  model: OnnxModel, family: Family, req: VlmRequest, opts: { template?: string; merge: MergeStyle; render?: RenderPrompt },
): Promise<PreparedPrompt> {
  const { prompt, stop } = opts.render ? opts.render(req.messages) : family.renderPrompt(req.messages, opts.template ? { template: opts.template } : {});
  const overrides = visionOverrides(model);

  const t0 = now();
  const images = await Promise.all(imagesOf(req).map((src) => family.preprocess(src, overrides)));
  const t1 = now();
  const perImage: Float32Array[] = [];
  let dim = 0;
  for (const pre of images) {
    const enc = await model.encodeImage(pre.data, pre.shape);
    dim = enc.dim;
    perImage.push(imageFeatures(model, pre, enc));
  }
  const t2 = now();

  const ids = tokenizePrompt(model.tokenizer, prompt, perImage.map((f) => f.length / dim), opts.merge, model.config.imageTokenId, model.files.tokenizer);
  const textIds = opts.merge === 'splice' ? ids.ids.filter((id) => id !== SPLICE_PLACEHOLDER) : ids.ids;
  const textEmbeds = await model.embed(textIds);
  const hidden = textEmbeds.length / Math.max(1, textIds.length);
  if (images.length > 0 && dim !== hidden) {
    throw new ModelFileError(`vision_encoder outputs width ${dim} but embed_tokens gives ${hidden}`, {
      file: model.files.graphs.vision_encoder, field: 'image_features', hint: 'The projector output must match the text hidden size.',
    });
  }
  const features = concat(perImage);
  const embeds = images.length > 0 ? mergeEmbeddings(ids, textEmbeds, features, hidden, opts.merge, model.config.imageTokenId) : textEmbeds;
  if (embeds.length !== ids.positions * hidden) throw new BackendError(`merged prompt has ${embeds.length / hidden} rows, expected ${ids.positions}`);
  return {
    prompt, stop, ids, embeds, dim: hidden,
    imageTokens: features.length / Math.max(1, hidden),
    preprocessMs: t1 - t0,
    visionEncodeMs: t2 - t1,
  };
}
