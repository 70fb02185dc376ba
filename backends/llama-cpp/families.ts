import { ConfigError } from '../../src/core/errors.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import { defaultPinpoints, selectBestResolution } from '../../src/families/anyres.ts';
import { featuresPerSide, resolveVision } from '../../src/families/tokens.ts';
import type { Family, VisionOverrides } from '../../src/families/types.ts';
/**
 * Model families this backend serves: those whose vision tower + projector libmtmd loads from a GGUF
 * mmproj (projector type `mlp`, with AnyRes for 1.6). LLaVA v1 (linear projector), VILA1.5
 * (`mlp_downsample`) and TinyLLaVA have no projector type in libmtmd; serve them through ONNX or HTTP.
 */
export const LLAMA_CPP_FAMILIES = ['llava-1.5', 'llava-1.6'] as const;

export type LlamaCppFamily = (typeof LLAMA_CPP_FAMILIES)[number];

export function isLlamaCppFamily(family: string): family is LlamaCppFamily {
  return (LLAMA_CPP_FAMILIES as readonly string[]).includes(family);
}

/** What to do when prompt + answer do not fit: a LLaVA-1.6 image alone is up to 5 × 576 tokens on llama.cpp. */
export const CONTEXT_HINT = 'raise backend.contextSize or lower maxTokens (an image costs 576 tokens with LLaVA-1.5 and up to 2,880 with LLaVA-1.6 on llama.cpp)';

/** The marker libmtmd replaces with image embeddings (llama.cpp `tools/mtmd/mtmd.h` `mtmd_default_marker`). */
export const LLAMA_CPP_MEDIA_MARKER = '<__media__>';

/**
 * The family-rendered prompt for llama.cpp (images at libmtmd's marker), with the checks both runtimes
 * need before sending it: an image needs an mmproj, and the template must place one marker per image.
 */
export function renderLlamaCppPrompt(req: VlmRequest, a: { family: Family; template?: string; modelId: string; hasMmproj: boolean }): { prompt: string; stop: string[] } {
  const images = imagesOf(req);
  if (images.length > 0 && !a.hasMmproj) {
    throw new ConfigError(`request ${req.sampleId} has an image but model ${a.modelId} has no mmproj`, {
      field: 'backend.mmproj', hint: 'set backend.mmproj to the model\'s GGUF vision projector',
    });
  }
  const { prompt, stop } = a.family.renderPrompt(req.messages, { template: a.template, imageMarker: LLAMA_CPP_MEDIA_MARKER });
  const markers = prompt.split(LLAMA_CPP_MEDIA_MARKER).length - 1;
  if (markers !== images.length) {
    throw new ConfigError(`prompt for ${req.sampleId} has ${markers} image markers for ${images.length} images`, {
      hint: `template '${a.template ?? a.family.defaultTemplate}' of family ${a.family.key} places images differently`,
    });
  }
  return { prompt, stop };
}

/**
 * Image tokens libmtmd evaluates for one image. Equal to the family's count except for LLaVA-1.6, where
 * llama.cpp is not the HF pipeline (overview + unpadded grid + one image_newline per row): libmtmd slices
 * only an image larger than one tile (`get_slice_instructions`, `has_slices`), and then concatenates the
 * overview and every tile of the best-resolution grid whole, with no unpadding and no newline tokens
 * (tools/mtmd/mtmd.cpp `MTMD_SLICE_TMPL_NONE`: "llava-1.6 will process embeddings without any special
 * tokens in-between"). So a LLaVA-1.6 prompt on llama.cpp is longer than the same prompt in transformers.
 */
export function llamaCppImageTokens(family: Family, width: number, height: number, o: VisionOverrides = {}): number {
  if (family.vision.mode !== 'anyres') return family.imageTokens(width, height, o);
  const r = resolveVision(family.vision, o);
  const perTile = featuresPerSide(r) ** 2;
  if (width <= r.imageSize && height <= r.imageSize) return perTile;
  const [bw, bh] = selectBestResolution(width, height, r.pinpoints ?? defaultPinpoints(r.imageSize), { float32: true });
  return perTile * (1 + Math.ceil(bw / r.imageSize) * Math.ceil(bh / r.imageSize));
}
