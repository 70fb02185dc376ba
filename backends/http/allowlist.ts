import { ConfigError } from '../../src/core/errors.ts';
import type { HttpOptions } from '../../src/config/backends.ts';

/**
 * Extra request fields each server accepts. trtllm-serve's request model forbids unknown fields
 * (HTTP 400; tensorrt_llm/serve/openai_protocol.py `OpenAIBaseModel` extra="forbid"), so anything
 * beyond the standard OpenAI body must be known to the target server (vLLM
 * vllm/entrypoints/openai/protocol.py, SGLang, llama.cpp tools/server README). Fields the backend
 * sets itself (model, messages, stream…) are never extras.
 */
const OPENAI_STANDARD = ['top_p', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'n', 'response_format', 'logprobs', 'top_logprobs', 'max_completion_tokens'] as const;

export const EXTRA_FIELDS: Record<HttpOptions['server'], readonly string[]> = {
  openai: OPENAI_STANDARD,
  // tensorrt_llm/serve/openai_protocol.py ChatCompletionRequest (vLLM-derived sampling extras).
  'trtllm-serve': [...OPENAI_STANDARD, 'top_k', 'min_p', 'repetition_penalty', 'length_penalty', 'min_tokens', 'ignore_eos',
    'stop_token_ids', 'include_stop_str_in_output', 'skip_special_tokens', 'spaces_between_special_tokens', 'best_of',
    'use_beam_search', 'add_generation_prompt', 'add_special_tokens', 'chat_template', 'chat_template_kwargs',
    'mm_processor_kwargs'],
  vllm: [...OPENAI_STANDARD, 'top_k', 'min_p', 'repetition_penalty', 'length_penalty', 'min_tokens', 'ignore_eos',
    'stop_token_ids', 'include_stop_str_in_output', 'skip_special_tokens', 'spaces_between_special_tokens', 'best_of',
    'use_beam_search', 'add_generation_prompt', 'add_special_tokens', 'chat_template', 'chat_template_kwargs',
    'mm_processor_kwargs', 'priority', 'guided_json', 'guided_regex', 'guided_choice', 'guided_grammar'],
  sglang: [...OPENAI_STANDARD, 'top_k', 'min_p', 'repetition_penalty', 'min_tokens', 'ignore_eos', 'stop_token_ids',
    'skip_special_tokens', 'no_stop_trim', 'regex', 'json_schema', 'ebnf', 'chat_template_kwargs', 'separate_reasoning'],
  // llama.cpp tools/server README, /v1/chat/completions accepts the /completion sampling options.
  'llama-server': [...OPENAI_STANDARD, 'top_k', 'min_p', 'typical_p', 'repeat_penalty', 'repeat_last_n', 'dry_multiplier',
    'dry_base', 'dry_allowed_length', 'dry_penalty_last_n', 'mirostat', 'mirostat_tau', 'mirostat_eta', 'ignore_eos',
    'n_probs', 'grammar', 'json_schema', 'cache_prompt', 'samplers', 'return_progress', 'timings_per_token', 'id_slot',
    'chat_template_kwargs'],
  vlmbench: ['top_p', 'stop', 'seed', 'ignore_eos'],
};

/**
 * Fields some trtllm-serve versions accept and others reject with 400 (ChatCompletionRequest changes
 * between releases): allowed, with a warning to check the server version.
 */
export const VERSION_DEPENDENT: Partial<Record<HttpOptions['server'], readonly string[]>> = {
  'trtllm-serve': ['mm_processor_kwargs', 'chat_template'],
};

/** Whether `stream_options.continuous_usage_stats` (per-chunk usage, vLLM #6540) may be sent. */
export const CONTINUOUS_USAGE: ReadonlySet<HttpOptions['server']> = new Set(['vllm', 'trtllm-serve', 'vlmbench']);

/**
 * Triton inputs extraBody may set, besides those the backend fills: the multimodal ensemble's
 * (triton_backend/all_models/multimodal/ensemble/config.pbtxt) and the llmapi model's
 * (triton_backend/all_models/llmapi/tensorrt_llm/config.pbtxt). `accumulate_tokens` (a BLS deploy
 * parameter) and `exclude_input_in_output` (a tensorrt_llm deploy parameter) are not request inputs:
 * the client options cumulativeOutput and outputEcho describe how the deployment behaves instead.
 */
export const TRITON_EXTRA_FIELDS: Record<'ensemble' | 'llmapi', readonly string[]> = {
  ensemble: [
    'decoder_text_input', 'image_sizes_input', 'end_id', 'pad_id', 'top_k', 'top_p', 'length_penalty', 'repetition_penalty',
    'min_tokens', 'presence_penalty', 'frequency_penalty', 'beam_width', 'bad_words', 'embedding_bias_words',
    'embedding_bias_weights', 'return_log_probs', 'return_context_logits', 'return_generation_logits', 'prompt_table_extra_id',
  ],
  llmapi: [
    'sampling_param_best_of', 'sampling_param_frequency_penalty', 'sampling_param_presence_penalty',
    'sampling_param_exclude_input_from_output', 'sampling_param_return_perf_metrics', 'return_stop_reason',
    'return_cumulative_logprob', 'lora_id', 'lora_name', 'lora_path', 'lora_ckpt_source',
  ],
};

const MOVED_TO_OPTIONS: Record<string, string> = {
  accumulate_tokens: 'accumulate_tokens is a deploy-time BLS parameter, not a request input: set cumulativeOutput: true if the deployment accumulates',
  exclude_input_in_output: 'exclude_input_in_output is a deploy-time tensorrt_llm parameter, not an ensemble input: set outputEcho: none if the deployment excludes the input',
};

/** Throws a ConfigError naming the first extraBody field the server would reject. */
export function checkExtraBody(opts: Pick<HttpOptions, 'api' | 'server' | 'extraBody'> & { tritonPreset?: 'ensemble' | 'llmapi' }, file?: string): void {
  const allowed = opts.api === 'triton' ? TRITON_EXTRA_FIELDS[opts.tritonPreset ?? 'ensemble'] : EXTRA_FIELDS[opts.server];
  for (const key of Object.keys(opts.extraBody)) {
    if (opts.api === 'triton' && MOVED_TO_OPTIONS[key]) {
      throw new ConfigError(`extraBody field '${key}' is not a Triton request input`, { file, field: `backend.extraBody.${key}`, hint: MOVED_TO_OPTIONS[key] });
    }
    if (!allowed.includes(key)) {
      const target = opts.api === 'triton' ? `the Triton ${opts.tritonPreset ?? 'ensemble'} model` : `server '${opts.server}'`;
      throw new ConfigError(`extraBody field '${key}' is not accepted by ${target}`, {
        file, field: `backend.extraBody.${key}`,
        hint: `allowed: ${allowed.join(', ')}${opts.server === 'trtllm-serve' && opts.api === 'openai' ? ' (trtllm-serve rejects unknown fields with HTTP 400; return_context_logits is not a chat field)' : ''}`,
      });
    }
  }
}
