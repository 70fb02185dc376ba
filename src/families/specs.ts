import type { FamilySpec, TaskDefaults, TaskKind } from './types.ts';

/** Per-family facts (LLaVA `llava/model/builder.py`, `llava/conversation.py`; TinyLLaVA-Factory; NVlabs/VILA), as data. */

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
export const SIGLIP_MEAN = [0.5, 0.5, 0.5] as const;
export const SIGLIP_STD = [0.5, 0.5, 0.5] as const;

/** `tuple(int(x*255) for x in image_mean)`: truncation, not rounding. */
export const padColorOf = (mean: readonly [number, number, number]) =>
  mean.map((m) => Math.trunc(m * 255)) as unknown as readonly [number, number, number];

/** docs/Evaluation.md response-format prompts; greedy decoding everywhere. */
export const TASK_DEFAULTS: Record<TaskKind, TaskDefaults> = {
  short: { suffix: '\nAnswer the question using a single word or phrase.', maxTokens: 128, temperature: 0 },
  // model_vqa_science / model_vqa_mmbench run with max_new_tokens 1024.
  choice: { suffix: "\nAnswer with the option's letter from the given choices directly.", maxTokens: 1024, temperature: 0 },
  open: { suffix: '', maxTokens: 1024, temperature: 0 },
  // model_vqa_mmbench.py --lang cn --single-pred-prompt.
  choiceCn: { suffix: '\n请直接回答选项字母。', maxTokens: 1024, temperature: 0 },
  // LLaVA's VizWiz question file (eval.zip llava_test.jsonl): the unanswerable instruction, then the short-answer line.
  shortUnanswerable: { suffix: "\nWhen the provided information is insufficient, respond with 'Unanswerable'.\nAnswer the question using a single word or phrase.", maxTokens: 128, temperature: 0 },
};

export const FAMILY_SPECS: readonly FamilySpec[] = [
  {
    key: 'llava-v1',
    description: 'LLaVA v0/v1 (Vicuna): CLIP ViT-L/14 @224, linear projector, 256 image tokens',
    templateSource: 'llava',
    defaultTemplate: 'llava_v1',
    templates: ['llava_v1', 'llava_v0'],
    vision: { tower: 'openai/clip-vit-large-patch14', mode: 'crop', imageSize: 224, patchSize: 14, mean: CLIP_MEAN, std: CLIP_STD },
  },
  {
    key: 'llava-1.5',
    description: 'LLaVA-1.5 7B/13B: CLIP ViT-L/14-336, pad to square with the mean colour, 576 image tokens',
    templateSource: 'llava',
    defaultTemplate: 'vicuna_v1',
    templates: ['vicuna_v1'],
    vision: {
      tower: 'openai/clip-vit-large-patch14-336', mode: 'pad', imageSize: 336, patchSize: 14,
      mean: CLIP_MEAN, std: CLIP_STD, padColor: padColorOf(CLIP_MEAN),
    },
  },
  {
    key: 'llava-1.6',
    description: 'LLaVA-1.6 / NeXT (Vicuna, Mistral, 34B): CLIP ViT-L/14-336, AnyRes tiling, 1176–2928 image tokens',
    templateSource: 'llava',
    defaultTemplate: 'vicuna_v1',
    templates: ['vicuna_v1', 'mistral_instruct', 'chatml_direct'],
    vision: { tower: 'openai/clip-vit-large-patch14-336', mode: 'anyres', imageSize: 336, patchSize: 14, mean: CLIP_MEAN, std: CLIP_STD },
  },
  {
    key: 'tinyllava',
    description: 'TinyLLaVA (Factory, Phi-2): SigLIP so400m/14-384, layer −2, pad with (127,127,127), 728 image tokens (first patch dropped as upstream)',
    templateSource: 'tinyllava',
    defaultTemplate: 'phi',
    templates: ['phi', 'llama', 'gemma', 'qwen2_base', 'qwen2_instruct'],
    vision: {
      tower: 'google/siglip-so400m-patch14-384', mode: 'pad', imageSize: 384, patchSize: 14,
      mean: SIGLIP_MEAN, std: SIGLIP_STD, padColor: padColorOf(SIGLIP_MEAN), dropFirstPatch: true,
    },
  },
  {
    key: 'vila',
    description: 'VILA1.5 (3B/8B/13B/40B): SigLIP 384 resized (no crop), mlp_downsample 2×2, 196 image tokens',
    templateSource: 'vila',
    defaultTemplate: 'vicuna_v1',
    templates: ['vicuna_v1', 'llava_v1', 'llama_3', 'hermes-2'],
    vision: {
      tower: 'google/siglip-so400m-patch14-384', mode: 'resize', imageSize: 384, patchSize: 14,
      mean: SIGLIP_MEAN, std: SIGLIP_STD, downsample: 2,
    },
  },
];
