import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelFileError } from '../core/errors.ts';
import type { Pinpoint } from './anyres.ts';
import type { ModelEvidence } from './inspect.ts';

/**
 * Read what a model's files say about its family, without loading weights: GGUF metadata through
 * node-llama-cpp's `readGgufFileInfo` (header only), an ONNX / transformers.js folder (config.json,
 * preprocessor_config.json), or a Hugging Face / original-repo config.json.
 */
export async function readModelEvidence(target: string): Promise<ModelEvidence[]> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new ModelFileError('model path not found', { file: target, hint: 'give a .gguf file, a model folder or a config.json' });
  }
  if (info.isDirectory()) return [await readFolder(target)];
  if (target.toLowerCase().endsWith('.gguf')) return [await readGguf(target)];
  if (target.toLowerCase().endsWith('.json')) return [fromHfConfig(await readJson(target), target, 'hf-config')];
  throw new ModelFileError('not a GGUF file, model folder or config.json', { file: target, hint: 'give a .gguf file, a model folder or a config.json' });
}

type Meta = Record<string, unknown>;

/** Nested node-llama-cpp metadata → dotted keys ('clip.vision.image_size'). */
function flatten(obj: Meta, prefix = '', out: Meta = {}): Meta {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Meta, key, out);
    else out[key] = v;
  }
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

function pairs(v: unknown): Pinpoint[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (Array.isArray(v[0])) return (v as number[][]).map(([w, h]) => [Number(w), Number(h)] as const);
  const flat = (v as unknown[]).map(Number);
  const out: Pinpoint[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

export async function readGguf(file: string): Promise<ModelEvidence> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let meta: Meta;
  try {
    const info = await readGgufFileInfo(file, {
      readTensorInfo: false, logWarnings: false, sourceType: 'filesystem',
      ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'],
    });
    meta = flatten(info.metadata as unknown as Meta);
  } catch (err) {
    throw new ModelFileError(`cannot read GGUF metadata: ${(err as Error).message}`, { file, cause: err, hint: 'is this a complete GGUF v2/v3 file?' });
  }
  const arch = str(meta['general.architecture']);
  if (!arch) {
    throw new ModelFileError('GGUF metadata has no general.architecture (truncated or not a model file)', { file, hint: 're-download or regenerate the file' });
  }
  if (arch === 'clip') {
    return {
      kind: 'gguf-mmproj', file, architecture: arch, name: str(meta['general.name']),
      projector: str(meta['clip.projector_type']),
      imageSize: num(meta['clip.vision.image_size']), patchSize: num(meta['clip.vision.patch_size']),
      pinpoints: pairs(meta['clip.vision.image_grid_pinpoints']),
      mergeType: str(meta['clip.vision.mm_patch_merge_type']),
      imageMean: Array.isArray(meta['clip.vision.image_mean']) ? (meta['clip.vision.image_mean'] as number[]).map(Number) : undefined,
    };
  }
  return {
    kind: 'gguf-text', file, architecture: arch, textModel: arch, name: str(meta['general.name']) ?? str(meta['general.basename']),
    chatTemplate: str(meta['tokenizer.chat_template']),
  };
}

async function readJson(file: string): Promise<Meta> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ModelFileError(`cannot read ${path.basename(file)}: ${(err as Error).message}`, { file, cause: err });
  }
  // `null`, an array or a scalar parses but has no fields to read (and would crash the readers below).
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelFileError(`${path.basename(file)} is not a JSON object`, { file, hint: 'give the model\'s config.json (an object with model_type, vision_config, …)' });
  }
  return value as Meta;
}

async function readFolder(dir: string): Promise<ModelEvidence> {
  const configFile = path.join(dir, 'config.json');
  const config = await readJson(configFile).catch(() => {
    throw new ModelFileError('folder has no readable config.json', { file: configFile, hint: 'give the model folder (config.json, preprocessor_config.json, onnx/)' });
  });
  const hasOnnx = await stat(path.join(dir, 'onnx')).then((s) => s.isDirectory(), () => false);
  const e = fromHfConfig(config, configFile, hasOnnx ? 'onnx' : 'hf-config');
  const pre = await readJson(path.join(dir, 'preprocessor_config.json')).catch(() => undefined);
  if (pre) {
    const crop = pre.crop_size as { height?: number } | number | undefined;
    const size = pre.size as { shortest_edge?: number; height?: number } | number | undefined;
    e.imageSize ??= num(typeof crop === 'object' ? crop?.height : crop) ?? num(typeof size === 'object' ? size?.shortest_edge ?? size?.height : size);
    e.pinpoints ??= pairs(pre.image_grid_pinpoints);
    if (Array.isArray(pre.image_mean)) e.imageMean ??= (pre.image_mean as number[]).map(Number);
  }
  return e;
}

/** llava-hf style (vision_config/text_config) and original-repo style (mm_* keys) configs. */
export function fromHfConfig(c: Meta, file: string, kind: ModelEvidence['kind']): ModelEvidence {
  const vision = (c.vision_config ?? {}) as Meta;
  const text = (c.text_config ?? {}) as Meta;
  const archs = Array.isArray(c.architectures) ? (c.architectures as string[]) : [];
  return {
    kind, file,
    name: str(c._name_or_path) ?? str(c.name_or_path),
    modelType: str(c.model_type),
    architecture: archs[0],
    textModel: str(text.model_type) ?? str(c.llm_model_name_or_path) ?? archs[0],
    visionTower: str(c.mm_vision_tower) ?? str(c.vision_model_name_or_path) ?? str(vision.model_type) ?? str((c.vision_tower_cfg as Meta | undefined)?._name_or_path),
    imageSize: num(vision.image_size) ?? num(c.image_size),
    patchSize: num(vision.patch_size) ?? num(c.patch_size),
    pinpoints: pairs(c.image_grid_pinpoints),
    mergeType: str(c.mm_patch_merge_type),
    aspectRatio: str(c.image_aspect_ratio),
    projector: str(c.mm_projector_type) ?? str((c.mm_projector_cfg as Meta | undefined)?.mm_projector_type) ?? str(c.connector_type),
  };
}
