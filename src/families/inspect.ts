import { anyresLayout, defaultPinpoints, type Pinpoint } from './anyres.ts';
import { getFamily } from './index.ts';
import type { FamilyKey } from './types.ts';

/**
 * Which family a set of model files looks like. Readers (src/families/model-files.ts) turn a GGUF,
 * an ONNX folder or a Hugging Face config into ModelEvidence; `detectFamily` is pure and rule-based,
 * each rule recording why it fired, so the CLI can print its reasons and warn on disagreement.
 */

export interface ModelEvidence {
  kind: 'gguf-mmproj' | 'gguf-text' | 'onnx' | 'hf-config';
  file: string;
  name?: string;
  /** HF `model_type` (llava, llava_next, llava_llama, tinyllava…). */
  modelType?: string;
  /** GGUF general.architecture or HF architectures[0]. */
  architecture?: string;
  /** Language-model type (llama, mistral, phi, qwen2, gemma, yi…). */
  textModel?: string;
  visionTower?: string;
  imageSize?: number;
  patchSize?: number;
  pinpoints?: Pinpoint[];
  mergeType?: string;
  aspectRatio?: string;
  projector?: string;
  imageMean?: number[];
  chatTemplate?: string;
}

export interface Inspection {
  family: FamilyKey | null;
  reasons: string[];
  template: string | null;
  imageSize: number | null;
  patchSize: number | null;
  /** Fixed count, or AnyRes description. */
  tokensPerImage: { fixed: number } | { anyres: { base: number; min: number; max: number; example: { size: string; tokens: number } } } | null;
  warnings: string[];
}

const lower = (s?: string) => (s ?? '').toLowerCase();

function familyOf(e: ModelEvidence): { family: FamilyKey | null; reasons: string[] } {
  const name = lower(e.name);
  const proj = lower(e.projector);
  const mt = lower(e.modelType);
  const tower = lower(e.visionTower);
  if (e.mergeType === 'spatial_unpad' || e.pinpoints?.length || lower(e.aspectRatio) === 'anyres' || mt === 'llava_next' || /v1\.6|next/.test(name)) {
    const why = [
      e.mergeType === 'spatial_unpad' && 'mm_patch_merge_type spatial_unpad',
      e.pinpoints?.length && 'image_grid_pinpoints present',
      lower(e.aspectRatio) === 'anyres' && 'image_aspect_ratio anyres',
      mt === 'llava_next' && 'model_type llava_next',
      /v1\.6|next/.test(name) && `name '${e.name}'`,
    ].filter(Boolean) as string[];
    return { family: 'llava-1.6', reasons: why };
  }
  if (proj === 'mlp_downsample' || name.includes('vila') || mt === 'llava_llama') {
    return { family: 'vila', reasons: [proj === 'mlp_downsample' ? 'projector mlp_downsample (2×2 token merge)' : name.includes('vila') ? `name '${e.name}'` : 'model_type llava_llama (VILA)'] };
  }
  if (mt === 'tinyllava' || name.includes('tinyllava')) {
    return { family: 'tinyllava', reasons: [mt === 'tinyllava' ? 'model_type tinyllava' : `name '${e.name}'`] };
  }
  if (tower.includes('siglip') && lower(e.aspectRatio) === 'pad') {
    return { family: 'tinyllava', reasons: ['SigLIP tower with pad preprocessing'] };
  }
  if (e.imageSize === 224 || /llava-v0|llava-v1(?!\.)|llava-13b-v0|llava-7b-v0/.test(name)) {
    return { family: 'llava-v1', reasons: [e.imageSize === 224 ? 'vision image size 224 (CLIP ViT-L/14 @224)' : `name '${e.name}'`] };
  }
  if (mt === 'llava' || proj === 'mlp' || proj === 'mlp2x_gelu' || lower(e.aspectRatio) === 'pad' || name.includes('llava')) {
    const why = [mt === 'llava' && 'model_type llava', proj && `projector ${e.projector}`, lower(e.aspectRatio) === 'pad' && 'image_aspect_ratio pad', name.includes('llava') && `name '${e.name}'`];
    return { family: 'llava-1.5', reasons: [...why.filter(Boolean) as string[], 'no AnyRes keys'] };
  }
  return { family: null, reasons: ['no LLaVA-family keys found'] };
}

/** Upstream template by language model / checkpoint name (LLaVA `llava/serve/cli.py` conv_mode auto rule). */
function templateOf(family: FamilyKey, e: ModelEvidence): string {
  const name = lower(e.name);
  const text = `${lower(e.textModel)} ${name} ${lower(e.architecture)}`;
  if (family === 'llava-1.6') {
    if (text.includes('mistral')) return 'mistral_instruct';
    if (/34b|yi|hermes/.test(text)) return 'chatml_direct';
    return 'vicuna_v1';
  }
  if (family === 'vila') {
    if (/llama-?3|8b/.test(text)) return 'llama_3';
    if (name.includes('40b')) return 'hermes-2';
    return 'vicuna_v1';
  }
  if (family === 'tinyllava') {
    if (text.includes('gemma')) return 'gemma';
    if (text.includes('qwen2')) return 'qwen2_instruct';
    if (/tinyllama|llama/.test(text) && !text.includes('phi')) return 'llama';
    return 'phi';
  }
  if (family === 'llava-v1') return /v0/.test(name) ? 'llava_v0' : 'llava_v1';
  return 'vicuna_v1';
}

export function detectFamily(e: ModelEvidence, claimed?: string): Inspection {
  const { family, reasons } = familyOf(e);
  const warnings: string[] = [];
  if (claimed !== undefined) {
    const c = getFamily(claimed); // unknown key: ConfigError listing the known ones
    if (family && c.key !== family) warnings.push(`--family ${c.key} disagrees with the files, which look like ${family} (${reasons.join('; ')})`);
    if (!family) warnings.push(`could not confirm --family ${c.key} from the files`);
  }
  const key = family ?? (claimed as FamilyKey | undefined) ?? null;
  if (!key) return { family: null, reasons, template: null, imageSize: e.imageSize ?? null, patchSize: e.patchSize ?? null, tokensPerImage: null, warnings };
  const f = getFamily(key);
  const imageSize = e.imageSize ?? f.vision.imageSize;
  const patchSize = e.patchSize ?? f.vision.patchSize;
  if (e.imageSize !== undefined && e.imageSize !== f.vision.imageSize) {
    warnings.push(`vision image size ${e.imageSize} differs from ${f.key}'s ${f.vision.imageSize} (a test or custom model?); pass imageSize ${e.imageSize} to preprocessing`);
  }
  if (e.imageMean && f.vision.mean.some((m, i) => Math.abs(m - (e.imageMean![i] ?? NaN)) > 1e-4)) {
    warnings.push(`image_mean [${e.imageMean.join(', ')}] differs from ${f.key}'s [${f.vision.mean.join(', ')}]`);
  }
  const o = { imageSize, patchSize, pinpoints: e.pinpoints };
  let tokensPerImage: Inspection['tokensPerImage'];
  if (f.vision.mode === 'anyres') {
    const pins = e.pinpoints ?? defaultPinpoints(imageSize);
    const counts = pins.map(([w, h]) => anyresLayout(w, h, { tileSize: imageSize, patchSize, pinpoints: pins }).tokens);
    const side = Math.floor(imageSize / patchSize);
    const ex = Math.round((imageSize * 640) / 336);
    const exH = Math.round((imageSize * 480) / 336);
    tokensPerImage = { anyres: {
      base: side * side,
      min: Math.min(...counts, anyresLayout(imageSize, imageSize, { tileSize: imageSize, patchSize, pinpoints: pins }).tokens),
      max: Math.max(...counts),
      example: { size: `${ex}x${exH}`, tokens: f.imageTokens(ex, exH, o) },
    } };
  } else {
    tokensPerImage = { fixed: f.imageTokens(imageSize, imageSize, o) };
  }
  return { family: key, reasons, template: templateOf(key, e), imageSize, patchSize, tokensPerImage, warnings };
}
