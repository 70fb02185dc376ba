import { ModelFileError } from '../../src/core/errors.ts';
import { ggmlTensorBytes, LLAMA_FTYPE_NAME } from '../../src/fixtures/gguf/format.ts';
import { kvArray, kvBool, kvNumber, kvString, readGgufInfo, type GgufInfo } from './gguf-reader.ts';

/**
 * Check GGUF files before llama.cpp sees them. The keys and tensors checked here are the ones whose
 * absence aborts (GGML_ASSERT, exit 134) or segfaults (exit 139) llama.cpp / libmtmd instead of giving a
 * clean error (llama.cpp `tools/mtmd/clip.cpp` `clip_model_loader`), plus the mmproj↔model embedding-size match; a native crash
 * would take the whole process down, so they must be caught here.
 */

export interface PreflightResult {
  model: GgufInfo;
  mmproj?: GgufInfo;
  architecture: string;
  /** Text model embedding size (what the mmproj projector must output). */
  nEmbd: number;
  /** Quantisation name from general.file_type, e.g. 'Q4_K_M'. */
  quantization?: string;
  /** mmproj projector type, e.g. 'mlp'. */
  projectorType?: string;
  warnings: string[];
}

/** Architectures whose norm epsilon key is the RMS one (the rest use layer_norm_epsilon). */
const RMS_NORM_ARCHS = new Set(['llama', 'qwen2', 'qwen3', 'phi3', 'gemma', 'gemma2', 'gemma3', 'minicpm', 'mistral3']);
const LLAMA_LAYER_TENSORS = ['attn_norm', 'attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_norm', 'ffn_gate', 'ffn_up', 'ffn_down'];
const CLIP_VISION_SIZES = [
  'image_size', 'patch_size', 'embedding_length', 'feed_forward_length', 'projection_dim', 'attention.head_count', 'block_count',
];
const CLIP_LAYER_TENSORS = ['attn_q', 'attn_k', 'attn_v', 'attn_out', 'ln1', 'ln2', 'ffn_up', 'ffn_down'];

const HINT_RECONVERT = 're-convert the model with llama.cpp (convert_hf_to_gguf.py) or download a complete GGUF';
const HINT_MMPROJ = 'use the mmproj file published with this model (convert_image_encoder_to_gguf.py / --mmproj output)';

function fail(info: GgufInfo, what: string, field: string, hint = HINT_RECONVERT): never {
  throw new ModelFileError(`${info.file}: ${what}`, { file: info.file, field, hint });
}

function requireNumber(info: GgufInfo, key: string, hint?: string): number {
  const direct = kvNumber(info, key);
  // Some architectures store per-layer values as arrays; every entry must be usable.
  const values = direct !== undefined ? [direct] : kvArray(info, key)?.map(Number);
  if (!values || values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    fail(info, `missing metadata key ${key}`, key, hint);
  }
  return values[0]!;
}

function requirePositive(info: GgufInfo, key: string, hint?: string): number {
  const v = requireNumber(info, key, hint);
  const arr = kvArray(info, key)?.map(Number) ?? [v];
  // llama.cpp asserts (and aborts the process) on zero sizes.
  if (arr.some((x) => !(x >= 1))) fail(info, `metadata key ${key} must be ≥ 1 (got ${arr.join(', ')})`, key, hint);
  return v;
}

function requireTensor(info: GgufInfo, name: string, hint?: string): number[] {
  const t = info.tensors.get(name);
  if (!t) fail(info, `missing tensor ${name}`, name, hint);
  return t.dims;
}

/** Every tensor has non-zero dims and lies inside the file (a truncated download fails here). */
function checkTensorTable(info: GgufInfo, warnings: string[]): void {
  for (const t of info.tensors.values()) {
    if (t.dims.some((d) => d < 1)) fail(info, `tensor ${t.name} has a zero dimension [${t.dims.join(', ')}]`, t.name);
    const bytes = ggmlTensorBytes(t.type, t.dims);
    if (bytes === undefined) {
      warnings.push(`${info.file}: tensor ${t.name} has ggml type ${t.type}, whose size this check does not know`);
      continue;
    }
    const end = info.dataOffset + t.offset + bytes;
    if (end > info.fileSize) {
      fail(info, `tensor ${t.name} ends at byte ${end} but the file has ${info.fileSize} bytes (truncated file?)`, t.name,
        'the file is incomplete: download or convert it again');
    }
  }
}

export function checkTextModel(info: GgufInfo, warnings: string[] = []): Omit<PreflightResult, 'model' | 'warnings'> {
  const arch = kvString(info, 'general.architecture');
  if (!arch) fail(info, 'missing metadata key general.architecture', 'general.architecture');
  if (arch === 'clip') {
    fail(info, 'this is an mmproj (architecture clip), not a language model', 'general.architecture',
      'swap backend.model and backend.mmproj in the config');
  }
  requirePositive(info, `${arch}.context_length`);
  const nEmbd = requirePositive(info, `${arch}.embedding_length`);
  const layers = requirePositive(info, `${arch}.block_count`);
  requirePositive(info, `${arch}.feed_forward_length`);
  requirePositive(info, `${arch}.attention.head_count`);
  if (RMS_NORM_ARCHS.has(arch)) requireNumber(info, `${arch}.attention.layer_norm_rms_epsilon`);
  if (!kvString(info, 'tokenizer.ggml.model')) fail(info, 'missing metadata key tokenizer.ggml.model', 'tokenizer.ggml.model');
  const tokens = kvArray(info, 'tokenizer.ggml.tokens');
  if (!tokens || tokens.length === 0) fail(info, 'missing metadata key tokenizer.ggml.tokens', 'tokenizer.ggml.tokens');
  const embd = requireTensor(info, 'token_embd.weight');
  if (embd[0] !== nEmbd) fail(info, `tensor token_embd.weight has width ${embd[0]}, ${arch}.embedding_length is ${nEmbd}`, 'token_embd.weight');
  requireTensor(info, 'output_norm.weight');
  if (arch === 'llama') {
    for (let i = 0; i < layers; i++) for (const t of LLAMA_LAYER_TENSORS) requireTensor(info, `blk.${i}.${t}.weight`);
  }
  checkTensorTable(info, warnings);
  const fileType = kvNumber(info, 'general.file_type');
  const quantization = fileType === undefined ? undefined : LLAMA_FTYPE_NAME[fileType] ?? `file_type ${fileType}`;
  return { architecture: arch, nEmbd, quantization };
}

/** Output width of the projector, for the projector types whose last layer is known. */
function projectorOutput(info: GgufInfo, type: string): number | undefined {
  if (type === 'mlp' || type === 'mlp_norm') {
    for (const name of ['mm.0.weight', 'mm.0.bias', 'mm.2.weight', 'mm.2.bias']) requireTensor(info, name, HINT_MMPROJ);
    return requireTensor(info, 'mm.2.weight', HINT_MMPROJ)[1];
  }
  return undefined;
}

export function checkMmproj(info: GgufInfo, textEmbd: number, textFile: string, warnings: string[] = []): { projectorType: string } {
  const arch = kvString(info, 'general.architecture');
  if (arch !== undefined && arch !== 'clip') {
    fail(info, `this is not an mmproj (architecture ${arch}, expected clip)`, 'general.architecture', HINT_MMPROJ);
  }
  if (kvBool(info, 'clip.has_vision_encoder') !== true) {
    fail(info, 'missing metadata key clip.has_vision_encoder (must be true)', 'clip.has_vision_encoder', HINT_MMPROJ);
  }
  const projectorType = kvString(info, 'clip.projector_type');
  if (!projectorType) fail(info, 'missing metadata key clip.projector_type', 'clip.projector_type', HINT_MMPROJ);
  for (const k of CLIP_VISION_SIZES) requirePositive(info, `clip.vision.${k}`, HINT_MMPROJ);
  requireNumber(info, 'clip.vision.attention.layer_norm_epsilon', HINT_MMPROJ);
  for (const k of ['clip.vision.image_mean', 'clip.vision.image_std']) {
    if ((kvArray(info, k)?.length ?? 0) < 3) fail(info, `metadata key ${k} must hold 3 values`, k, HINT_MMPROJ);
  }
  // libmtmd dereferences these without checking: their absence segfaults the process.
  requireTensor(info, 'v.patch_embd.weight', HINT_MMPROJ);
  requireTensor(info, 'v.position_embd.weight', HINT_MMPROJ);
  const blocks = requirePositive(info, 'clip.vision.block_count', HINT_MMPROJ);
  for (let i = 0; i < blocks; i++) for (const t of CLIP_LAYER_TENSORS) requireTensor(info, `v.blk.${i}.${t}.weight`, HINT_MMPROJ);
  const out = projectorOutput(info, projectorType);
  if (out === undefined) {
    warnings.push(`${info.file}: projector type ${projectorType} is not checked for its output size`);
  } else if (out !== textEmbd) {
    throw new ModelFileError(
      `${info.file}: mmproj projects to ${out} dimensions but the language model ${textFile} has embedding size ${textEmbd}`,
      { file: info.file, field: 'mm.2.weight', hint: 'this mmproj belongs to another model; use the mmproj published with the language model' },
    );
  }
  if (kvString(info, 'clip.vision.mm_patch_merge_type') === 'spatial_unpad') {
    requireTensor(info, 'v.image_newline', HINT_MMPROJ);
    const pins = kvArray(info, 'clip.vision.image_grid_pinpoints')?.map(Number);
    if (!pins || pins.length < 2 || pins.length % 2 !== 0 || pins.some((p) => !(p > 0))) {
      fail(info, 'clip.vision.image_grid_pinpoints must be (width, height) pairs for spatial_unpad', 'clip.vision.image_grid_pinpoints', HINT_MMPROJ);
    }
  }
  checkTensorTable(info, warnings);
  return { projectorType };
}

/**
 * Read and check a language model (and its mmproj). Throws ModelFileError naming the file and the
 * missing key or tensor; never loads the runtime.
 */
export async function preflightGguf(modelPath: string, mmprojPath?: string): Promise<PreflightResult> {
  const warnings: string[] = [];
  const model = await readGgufInfo(modelPath);
  const text = checkTextModel(model, warnings);
  if (mmprojPath === undefined) return { model, ...text, warnings };
  const mmproj = await readGgufInfo(mmprojPath);
  const { projectorType } = checkMmproj(mmproj, text.nEmbd, modelPath, warnings);
  return { model, mmproj, ...text, projectorType, warnings };
}
