import { ConfigError } from '../core/errors.ts';
import type { ModelConfig } from './schema.ts';

/**
 * Families a server kind can serve, checked at config time. Errors for combinations that cannot work
 * at all; warnings for ones the server will refuse or serve without the images.
 */

/** TensorRT-LLM's Triton preprocessing model types (inflight_batcher_llm/preprocessing/1/model.py `initialize`). */
export type EnsembleModelType = 'llava' | 'vila';
export const ENSEMBLE_FAMILIES: Readonly<Partial<Record<string, EnsembleModelType>>> = { 'llava-v1': 'llava', 'llava-1.5': 'llava', vila: 'vila' };

/** trtllm-serve's PyTorch backend serves LLaVA-NeXT (llava-hf checkpoints) and VILA/NVILA (tensorrt_llm/_torch/models). */
const TRTLLM_SERVE_FAMILIES = ['llava-1.6', 'vila'];

export interface Servability {
  error?: { message: string; field: string; hint: string };
  warnings: string[];
}

export function servability(m: ModelConfig): Servability {
  const b = m.backend;
  const warnings: string[] = [];
  if (b.type !== 'http') return { warnings };
  if (b.api === 'triton' && b.tritonPreset === 'ensemble') {
    const type = ENSEMBLE_FAMILIES[m.family];
    if (!type) {
      return {
        warnings, error: {
          message: `family ${m.family} is not a model type of TensorRT-LLM's Triton multimodal ensemble (llava and vila are)`,
          field: 'family',
          hint: m.family === 'llava-1.6'
            ? 'LLaVA-1.6 (llava_next) is served by trtllm-serve: use api: openai, server: trtllm-serve'
            : 'serve it with trtllm-serve (api: openai) or another backend',
        },
      };
    }
    if (b.imageTransport === 'url' || b.imageTransport === 'bytes') {
      return {
        warnings, error: {
          message: `imageTransport ${b.imageTransport} fails an assertion in the ensemble's preprocessing for model type ${type}`,
          field: 'backend.imageTransport',
          hint: 'use imageTransport: tensor (image_input, the family-preprocessed FP16 tensor, the default)',
        },
      };
    }
  }
  if (b.api === 'openai' && b.server === 'trtllm-serve' && !TRTLLM_SERVE_FAMILIES.includes(m.family)) {
    warnings.push(`trtllm-serve serves LLaVA-NeXT (llava-1.6) and VILA with images, not family ${m.family}: expect HTTP 400 or text-only answers`);
  }
  return { warnings };
}

/** Throws for the first model that cannot be served; returns every warning, prefixed with the model field. */
export function checkServable(models: readonly ModelConfig[], file?: string): string[] {
  const warnings: string[] = [];
  models.forEach((m, i) => {
    const s = servability(m);
    if (s.error) throw new ConfigError(s.error.message, { file, field: `models[${i}].${s.error.field}`, hint: s.error.hint });
    for (const w of s.warnings) warnings.push(`models[${i}] (${m.id}): ${w}`);
  });
  return warnings;
}
