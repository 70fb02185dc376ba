import type { ConversationTemplate } from './conversation.ts';
import { conv_llama_2, conv_vicuna_v0, conv_vicuna_v1, LLAVA_TABLE_TAIL, LLAVA_VISION_LLAMA_2_SYSTEM } from './llava.ts';

/**
 * `conv_templates` of NVlabs/VILA `llava/conversation.py` (the 2024 snapshot with `mistral`,
 * `hermes-2`, `llama_3`). The LLaVA-derived entries are byte-identical to LLaVA's and shared.
 */

const conv_auto: ConversationTemplate = {
  system: '', roles: ['', ''], messages: [], sepStyle: 'AUTO', sep: '\n', sep2: null, version: 'Unknown',
};
// kentang-mit@: "designed for SFT on VFLAN".
const conv_vicuna_v1_nosys: ConversationTemplate = {
  system: '', roles: ['USER', 'ASSISTANT'], messages: [], sepStyle: 'TWO', sep: ' ', sep2: '</s>', version: 'v1_nosys',
};
const conv_mistral: ConversationTemplate = {
  system: '', roles: ['USER', 'ASSISTANT'], messages: [], sepStyle: 'MISTRAL', sep: '', sep2: '</s>', version: 'mistral',
};
const hermes_2: ConversationTemplate = {
  system: '<|im_start|>system\nAnswer the questions.',
  roles: ['<|im_start|>user\n', '<|im_start|>assistant\n'], messages: [],
  sepStyle: 'MPT', sep: '<|im_end|>', sep2: null, version: 'hermes-2',
};
const llama_3_chat: ConversationTemplate = {
  system: `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${LLAVA_VISION_LLAMA_2_SYSTEM}`,
  roles: ['<|start_header_id|>user<|end_header_id|>\n\n', '<|start_header_id|>assistant<|end_header_id|>\n\n'],
  messages: [], sepStyle: 'LLAMA_3', sep: '<|eot_id|>', sep2: '<|end_of_text|>', version: 'llama_v3',
};

export const VILA_TEMPLATES: Readonly<Record<string, ConversationTemplate>> = {
  auto: conv_auto,
  default: conv_vicuna_v0,
  'hermes-2': hermes_2,
  llama_3: llama_3_chat,
  v0: conv_vicuna_v0,
  v1: conv_vicuna_v1,
  vicuna_v1: conv_vicuna_v1,
  vicuna_v1_nosys: conv_vicuna_v1_nosys,
  llama_2: conv_llama_2,
  mistral: conv_mistral,
  ...LLAVA_TABLE_TAIL,
};
