import type { ConversationTemplate } from './conversation.ts';

/**
 * `conv_templates` of haotian-liu/LLaVA `llava/conversation.py` (c121f04, the snapshot with
 * mistral_instruct and chatml_direct), transcribed byte for byte. Keys are the upstream names.
 */

const VICUNA_V0_SYSTEM = "A chat between a curious human and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the human's questions.";

const VICUNA_V0_EXAMPLE: ReadonlyArray<readonly [string, string]> = [
  ['Human', 'What are the key differences between renewable and non-renewable energy sources?'],
  ['Assistant',
    'Renewable energy sources are those that can be replenished naturally in a relatively ' +
    'short amount of time, such as solar, wind, hydro, geothermal, and biomass. ' +
    'Non-renewable energy sources, on the other hand, are finite and will eventually be ' +
    'depleted, such as coal, oil, and natural gas. Here are some key differences between ' +
    'renewable and non-renewable energy sources:\n' +
    '1. Availability: Renewable energy sources are virtually inexhaustible, while non-renewable ' +
    'energy sources are finite and will eventually run out.\n' +
    '2. Environmental impact: Renewable energy sources have a much lower environmental impact ' +
    'than non-renewable sources, which can lead to air and water pollution, greenhouse gas emissions, ' +
    'and other negative effects.\n' +
    '3. Cost: Renewable energy sources can be more expensive to initially set up, but they typically ' +
    'have lower operational costs than non-renewable sources.\n' +
    '4. Reliability: Renewable energy sources are often more reliable and can be used in more remote ' +
    'locations than non-renewable sources.\n' +
    '5. Flexibility: Renewable energy sources are often more flexible and can be adapted to different ' +
    'situations and needs, while non-renewable sources are more rigid and inflexible.\n' +
    '6. Sustainability: Renewable energy sources are more sustainable over the long term, while ' +
    'non-renewable sources are not, and their depletion can lead to economic and social instability.\n'],
];

const VICUNA_V1_SYSTEM = 'A chat between a curious user and an artificial intelligence assistant. ' +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";

const MMTAG_SYSTEM = 'A chat between a curious user and an artificial intelligence assistant. ' +
  'The assistant is able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.' +
  'The visual content will be provided with the following format: <Image>visual content</Image>.';

const LLAMA_2_SYSTEM = `You are a helpful, respectful and honest assistant. Always answer as helpfully as possible, while being safe.  Your answers should not include any harmful, unethical, racist, sexist, toxic, dangerous, or illegal content. Please ensure that your responses are socially unbiased and positive in nature.

If a question does not make any sense, or is not factually coherent, explain why instead of answering something not correct. If you don't know the answer to a question, please don't share false information.`;

export const LLAVA_VISION_LLAMA_2_SYSTEM = 'You are a helpful language and vision assistant. ' +
  'You are able to understand the visual content that the user provides, ' +
  'and assist the user with a variety of tasks using natural language.';

export const conv_vicuna_v0: ConversationTemplate = {
  system: VICUNA_V0_SYSTEM, roles: ['Human', 'Assistant'], messages: VICUNA_V0_EXAMPLE,
  sepStyle: 'SINGLE', sep: '###', sep2: null, version: 'Unknown',
};
export const conv_vicuna_v1: ConversationTemplate = {
  system: VICUNA_V1_SYSTEM, roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'TWO', sep: ' ', sep2: '</s>', version: 'v1',
};
export const conv_llama_2: ConversationTemplate = {
  system: LLAMA_2_SYSTEM, roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'LLAMA_2', sep: '<s>', sep2: '</s>', version: 'llama_v2',
};
export const conv_llava_llama_2: ConversationTemplate = {
  system: LLAVA_VISION_LLAMA_2_SYSTEM, roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'LLAMA_2', sep: '<s>', sep2: '</s>', version: 'llama_v2',
};
export const conv_mpt: ConversationTemplate = {
  system: '<|im_start|>system\nA conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.',
  roles: ['<|im_start|>user\n', '<|im_start|>assistant\n'], messages: [],
  sepStyle: 'MPT', sep: '<|im_end|>', sep2: null, version: 'mpt',
};
export const conv_llava_plain: ConversationTemplate = {
  system: '', roles: ['', ''], messages: [], sepStyle: 'PLAIN', sep: '\n', sep2: null, version: 'Unknown',
};
export const conv_llava_v0: ConversationTemplate = {
  system: VICUNA_V0_SYSTEM, roles: ['Human', 'Assistant'], messages: [],
  sepStyle: 'SINGLE', sep: '###', sep2: null, version: 'Unknown',
};
export const conv_llava_v0_mmtag: ConversationTemplate = {
  system: MMTAG_SYSTEM, roles: ['Human', 'Assistant'], messages: [],
  sepStyle: 'SINGLE', sep: '###', sep2: null, version: 'v0_mmtag',
};
export const conv_llava_v1: ConversationTemplate = {
  system: VICUNA_V0_SYSTEM, roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'TWO', sep: ' ', sep2: '</s>', version: 'v1',
};
export const conv_llava_v1_mmtag: ConversationTemplate = {
  system: MMTAG_SYSTEM, roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'TWO', sep: ' ', sep2: '</s>', version: 'v1_mmtag',
};
export const conv_mistral_instruct: ConversationTemplate = {
  system: '', roles: ['USER', 'ASSISTANT'], messages: [],
  sepStyle: 'LLAMA_2', sep: '', sep2: '</s>', version: 'llama_v2',
};
export const conv_chatml_direct: ConversationTemplate = {
  system: '<|im_start|>system\nAnswer the questions.',
  roles: ['<|im_start|>user\n', '<|im_start|>assistant\n'], messages: [],
  sepStyle: 'MPT', sep: '<|im_end|>', sep2: null, version: 'mpt',
};

/** The table's closing entries, which VILA's table ends with too (same keys, same order). */
export const LLAVA_TABLE_TAIL: Readonly<Record<string, ConversationTemplate>> = {
  plain: conv_llava_plain,
  v0_plain: conv_llava_plain,
  llava_v0: conv_llava_v0,
  v0_mmtag: conv_llava_v0_mmtag,
  llava_v1: conv_llava_v1,
  v1_mmtag: conv_llava_v1_mmtag,
  llava_llama_2: conv_llava_llama_2,
  mpt: conv_mpt,
};

export const LLAVA_TEMPLATES: Readonly<Record<string, ConversationTemplate>> = {
  default: conv_vicuna_v0,
  v0: conv_vicuna_v0,
  v1: conv_vicuna_v1,
  vicuna_v1: conv_vicuna_v1,
  llama_2: conv_llama_2,
  mistral_instruct: conv_mistral_instruct,
  chatml_direct: conv_chatml_direct,
  mistral_direct: conv_chatml_direct,
  ...LLAVA_TABLE_TAIL,
};
