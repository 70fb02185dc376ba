import type { ChatMessage, ImageSource } from '../core/request.ts';
import type { AnyResOptions } from './anyres.ts';
import type { TemplateSource } from './templates/index.ts';

export type FamilyKey = 'llava-v1' | 'llava-1.5' | 'llava-1.6' | 'tinyllava' | 'vila';
/**
 * short: one word/phrase; choice: option letter; open: natural answer; choiceCn: option letter asked in
 * Chinese (MMBench-CN); shortUnanswerable: short answer that may be "Unanswerable" (VizWiz).
 */
export type TaskKind = 'short' | 'choice' | 'open' | 'choiceCn' | 'shortUnanswerable';

export interface TaskDefaults { suffix: string; maxTokens: number; temperature: number }

export interface PreprocessedImage {
  /** CHW float32, tiles concatenated. */
  data: Float32Array;
  /** [tiles, 3, H, W] */
  shape: [number, number, number, number];
  originalSize: { width: number; height: number };
  /** Image tokens this image costs in the LM. */
  tokens: number;
  grid?: { cols: number; rows: number; bestResolution: [number, number]; unpaddedHW: [number, number] };
}

/** Overrides for generated tiny models (e.g. 32 px tiles with patch 8); defaults are the real ones. */
export interface VisionOverrides {
  imageSize?: number;
  patchSize?: number;
  /** AnyRes candidate resolutions (llava-1.6 only); default scales the upstream five by imageSize/336. */
  pinpoints?: AnyResOptions['pinpoints'];
}

export interface PreprocessOptions extends VisionOverrides {
  /** Decompression-bomb guard (pixels); default PIL's limit. */
  maxPixels?: number;
  /**
   * 'pil' (default): a port of PIL's bicubic resize, bit-identical to the upstream preprocessing.
   * 'sharp': libvips cubic for downscales of 2× or more (several times faster, a few levels off PIL),
   * the PIL port otherwise; for throughput runs where exact parity does not matter.
   */
  resampler?: 'pil' | 'sharp';
}

export interface RenderOptions {
  template?: string;
  /** Replaces '<image>' in the rendered prompt, e.g. llama.cpp's '<__media__>'. */
  imageMarker?: string;
}

/** A family's facts, as data (src/families/specs.ts). */
export interface FamilySpec {
  key: FamilyKey;
  /** One line: checkpoints and vision tower. */
  description: string;
  /** Which upstream codebase's template table the keys refer to. */
  templateSource: TemplateSource;
  defaultTemplate: string;
  templates: readonly string[];
  vision: VisionSpec;
}

/** A family: its facts plus the behaviour built from them (makeFamily). */
export interface Family extends FamilySpec {
  imageTokens(width: number, height: number, opts?: VisionOverrides): number;
  renderPrompt(messages: ChatMessage[], opts?: RenderOptions): { prompt: string; stop: string[] };
  preprocess(image: ImageSource, opts?: PreprocessOptions): Promise<PreprocessedImage>;
  taskDefaults: Record<TaskKind, TaskDefaults>;
}

export type PreprocessMode =
  /** CLIPImageProcessor default: resize shortest side, centre crop. */
  | 'crop'
  /** expand2square with padColor, then the processor (resize to a square). */
  | 'pad'
  /** LLaVA-1.6 AnyRes: base image + tiles, black padding. */
  | 'anyres'
  /** Plain resize to a square, no crop (VILA1.5). */
  | 'resize';

export interface VisionSpec {
  tower: string;
  mode: PreprocessMode;
  imageSize: number;
  patchSize: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** expand2square background: int(mean*255) per channel (truncated). */
  padColor?: readonly [number, number, number];
  /** Token merge of the projector (VILA mlp_downsample: 2 → 2×2, odd grids zero-padded). */
  downsample?: number;
  /**
   * The first feature is dropped although the tower has no class token: TinyLLaVA_Factory
   * `tinyllava/model/vision_tower/base.py` `VisionTower.forward` slices `[:, 1:]` under its default
   * `vision_feature_select_strategy="patch"` for every tower, SigLIP included (27² − 1 = 728).
   */
  dropFirstPatch?: boolean;
}
