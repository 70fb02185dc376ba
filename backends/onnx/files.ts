import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFileError } from '../../src/core/errors.ts';

/** The graphs of a transformers.js / Optimum image-text-to-text export (transformers.js `src/models.js` session config for image-text-to-text). */
export const GRAPHS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type GraphName = (typeof GRAPHS)[number];

export interface ModelFiles {
  dir: string;
  graphs: Record<GraphName, string>;
  config: string;
  tokenizer: string;
  tokenizerConfig?: string;
  preprocessorConfig?: string;
  generationConfig?: string;
}

/** Parsed config.json fields the backend uses (llava-hf naming, with text_config). */
export interface ExportConfig {
  modelType: string;
  imageTokenId?: number;
  eosTokenIds: number[];
  bosTokenId?: number;
  /** Square tile side the vision encoder expects, when the config says. */
  imageSize?: number;
  patchSize?: number;
  /** AnyRes pinpoints as written in config.json, read as [width, height] like upstream select_best_resolution. */
  gridPinpoints?: Array<[number, number]>;
  raw: Record<string, unknown>;
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** `''` → `vision_encoder.onnx`; `fp16` → `vision_encoder_fp16.onnx` (transformers.js dtype suffixes). */
export function graphFileName(graph: GraphName, dtype: string): string {
  const suffix = dtype === '' || dtype === 'fp32' ? '' : `_${dtype}`;
  return `${graph}${suffix}.onnx`;
}

export async function resolveModelFiles(dir: string, dtype: string): Promise<ModelFiles> {
  const root = path.resolve(dir);
  if (!(await exists(root))) {
    throw new ModelFileError(`ONNX model folder not found: ${root}`, {
      file: root, field: 'backend.dir', hint: 'Point backend.dir at a folder with onnx/, config.json and tokenizer.json.',
    });
  }
  const graphs = {} as Record<GraphName, string>;
  for (const g of GRAPHS) {
    const file = path.join(root, 'onnx', graphFileName(g, dtype));
    if (!(await exists(file))) {
      throw new ModelFileError(`missing ONNX graph ${path.relative(root, file)}`, {
        file, field: 'backend.dtype',
        hint: `Expected onnx/${graphFileName(g, dtype)} (dtype '${dtype || 'fp32'}'); check backend.dtype against the files in ${path.join(root, 'onnx')}.`,
      });
    }
    graphs[g] = file;
  }
  const required = async (name: string, hint: string): Promise<string> => {
    const file = path.join(root, name);
    if (!(await exists(file))) throw new ModelFileError(`missing ${name} in the ONNX model folder`, { file, hint });
    return file;
  };
  const optional = async (name: string): Promise<string | undefined> => {
    const file = path.join(root, name);
    return (await exists(file)) ? file : undefined;
  };
  return {
    dir: root,
    graphs,
    config: await required('config.json', 'Copy config.json from the exported model (it names the image token and EOS ids).'),
    tokenizer: await required('tokenizer.json', 'Copy tokenizer.json (the fast tokenizer) from the exported model.'),
    tokenizerConfig: await optional('tokenizer_config.json'),
    preprocessorConfig: await optional('preprocessor_config.json'),
    generationConfig: await optional('generation_config.json'),
  };
}

export async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFileError(`cannot parse ${path.basename(file)}: ${(err as Error).message}`, { file, cause: err });
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'number') : typeof v === 'number' ? [v] : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export async function readExportConfig(files: ModelFiles): Promise<ExportConfig> {
  const raw = await readJson(files.config);
  const text = obj(raw.text_config);
  const vision = obj(raw.vision_config);
  const generation = files.generationConfig ? await readJson(files.generationConfig) : {};
  const pre = files.preprocessorConfig ? await readJson(files.preprocessorConfig) : {};
  const eos = [...new Set([...ids(generation.eos_token_id), ...ids(raw.eos_token_id), ...ids(text.eos_token_id)])];
  const crop = obj(pre.crop_size);
  const pinpoints = (raw.image_grid_pinpoints ?? pre.image_grid_pinpoints) as Array<[number, number]> | undefined;
  return {
    modelType: String(raw.model_type ?? ''),
    imageTokenId: num(raw.image_token_index) ?? num(raw.image_token_id),
    eosTokenIds: eos,
    bosTokenId: num(generation.bos_token_id) ?? num(raw.bos_token_id) ?? num(text.bos_token_id),
    imageSize: num(crop.height) ?? num(vision.image_size),
    patchSize: num(vision.patch_size) ?? num(pre.patch_size),
    gridPinpoints: Array.isArray(pinpoints) ? pinpoints : undefined,
    raw,
  };
}
