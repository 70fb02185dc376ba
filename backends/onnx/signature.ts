import type { InferenceSession } from 'onnxruntime-node';
import { ModelFileError } from '../../src/core/errors.ts';
import type { GraphName, ModelFiles } from './files.ts';

/** What the decoder graph declares, read from session.inputMetadata (onnxruntime-node `InferenceSession.inputMetadata`). */
export interface DecoderSignature {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Element type of past_key_values / present (float32, float16). */
  kvType: 'float32' | 'float16';
  embedsType: 'float32' | 'float16';
  hasPositionIds: boolean;
  hasUseCacheBranch: boolean;
  hasNumLogitsToKeep: boolean;
}

export interface VisionSignature {
  input: string;
  /** Square side of pixel_values when the graph fixes it. */
  imageSize?: number;
  featuresOutput: string;
  /** LLaVA-1.6 exports of this project also output the learned `image_newline`. */
  newlineOutput?: string;
}

interface TensorMeta { name: string; type: string; shape: Array<number | string> }

function tensorMeta(list: readonly InferenceSession.ValueMetadata[]): TensorMeta[] {
  return list.filter((m) => m.isTensor).map((m) => {
    const t = m as InferenceSession.ValueMetadata & { type: string; shape: Array<number | string> };
    return { name: t.name, type: t.type, shape: t.shape };
  });
}

function missing(file: string, graph: GraphName, kind: 'input' | 'output', name: string, found: string[]): ModelFileError {
  return new ModelFileError(`${graph} graph has no ${kind} '${name}'`, {
    file, field: name,
    hint: `Found ${kind}s: ${found.join(', ') || '(none)'}. vlmbench expects the transformers.js / Optimum names (see backends/onnx/README.md).`,
  });
}

function requireNames(file: string, graph: GraphName, kind: 'input' | 'output', names: string[], found: string[]): void {
  for (const n of names) if (!found.includes(n)) throw missing(file, graph, kind, n, found);
}

export function checkEmbedTokens(session: InferenceSession, files: ModelFiles): void {
  const file = files.graphs.embed_tokens;
  requireNames(file, 'embed_tokens', 'input', ['input_ids'], [...session.inputNames]);
  requireNames(file, 'embed_tokens', 'output', ['inputs_embeds'], [...session.outputNames]);
}

export function checkVisionEncoder(session: InferenceSession, files: ModelFiles): VisionSignature {
  const file = files.graphs.vision_encoder;
  const inputs = tensorMeta(session.inputMetadata);
  requireNames(file, 'vision_encoder', 'input', ['pixel_values'], inputs.map((i) => i.name));
  const outputs = [...session.outputNames];
  // Older exports call the output last_hidden_state; transformers.js takes the first output either way.
  const featuresOutput = outputs.includes('image_features') ? 'image_features' : outputs[0];
  if (!featuresOutput) throw missing(file, 'vision_encoder', 'output', 'image_features', outputs);
  const side = inputs.find((i) => i.name === 'pixel_values')?.shape.at(-1);
  return {
    input: 'pixel_values',
    imageSize: typeof side === 'number' ? side : undefined,
    featuresOutput,
    newlineOutput: outputs.includes('image_newline') ? 'image_newline' : undefined,
  };
}

export function checkDecoder(session: InferenceSession, files: ModelFiles): DecoderSignature {
  const file = files.graphs.decoder_model_merged;
  const inputs = tensorMeta(session.inputMetadata);
  const names = inputs.map((i) => i.name);
  requireNames(file, 'decoder_model_merged', 'input', ['inputs_embeds', 'attention_mask', 'past_key_values.0.key', 'past_key_values.0.value'], names);
  let layers = 0;
  while (names.includes(`past_key_values.${layers}.key`)) layers++;
  for (let l = 0; l < layers; l++) {
    requireNames(file, 'decoder_model_merged', 'input', [`past_key_values.${l}.value`], names);
    requireNames(file, 'decoder_model_merged', 'output', [`present.${l}.key`, `present.${l}.value`], [...session.outputNames]);
  }
  requireNames(file, 'decoder_model_merged', 'output', ['logits'], [...session.outputNames]);

  const past = inputs.find((i) => i.name === 'past_key_values.0.key')!;
  const [, heads, , headDim] = past.shape;
  if (typeof heads !== 'number' || typeof headDim !== 'number') {
    throw new ModelFileError(`past_key_values.0.key must have numeric head and head_dim dims, found [${past.shape.join(', ')}]`, {
      file, field: 'past_key_values.0.key', hint: 'Export the decoder with concrete num_key_value_heads and head_dim (only batch and sequence dims symbolic).',
    });
  }
  const floatType = (t: string | undefined, field: string): 'float32' | 'float16' => {
    if (t === 'float32' || t === 'float16') return t;
    throw new ModelFileError(`${field} has unsupported element type ${t}`, { file, field, hint: 'Only float32 and float16 KV caches and embeddings are supported.' });
  };
  return {
    layers,
    kvHeads: heads,
    headDim,
    kvType: floatType(past.type, 'past_key_values.0.key'),
    embedsType: floatType(inputs.find((i) => i.name === 'inputs_embeds')?.type, 'inputs_embeds'),
    hasPositionIds: names.includes('position_ids'),
    hasUseCacheBranch: names.includes('use_cache_branch'),
    hasNumLogitsToKeep: names.includes('num_logits_to_keep'),
  };
}
