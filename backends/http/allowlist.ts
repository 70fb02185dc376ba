import { ConfigError } from '../../src/core/errors.ts';
import type { HttpOptions } from '../../src/config/backends.ts';

/**
 * Extra request fields each server accepts. trtllm-serve's request model forbids unknown fields
 * (HTTP 400), so anything beyond the standard OpenAI body must be known to the target server;
 * TensorRT-LLM `tensorrt_llm/serve/openai_protocol.py`, vLLM `vllm/entrypoints/openai/protocol.py`, llama.cpp `tools/server/README.md`. Fields the backend sets itself (model, messages, stream…) are never extras.
 */
const OPENAI_STANDARD = ['top_p', 'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'n', 'response_format', 'logprobs', 'top_logprobs', 'max_completion_tokens'] as const;

export const EXTRA_FIELDS: Record<HttpOptions['server'], readonly string[]> = {
  openai: OPENAI_STANDARD,
  // tensorrt_llm/serve/openai_protocol.py ChatCompletionRequest (vLLM-derived sampling extras).
  'trtllm-serve': [...OPENAI_STANDARD, 'top_k', 'min_p', 'repetition_penalty', 'length_penalty', 'min_tokens', 'ignore_eos',
    'stop_token_ids', 'include_stop_str_in_output', 'skip_special_tokens', 'spaces_between_special_tokens', 'best_of',
    'use_beam_search', 'add_generation_prompt', 'add_special_tokens', 'chat_template', 'chat_template_kwargs',
    'mm_processor_kwargs', 'return_context_logits'],
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

/** Whether `stream_options.continuous_usage_stats` (per-chunk usage, vLLM #6540) may be sent. */
export const CONTINUOUS_USAGE: ReadonlySet<HttpOptions['server']> = new Set(['vllm', 'trtllm-serve', 'vlmbench']);

/** Triton ensemble inputs (tensorrtllm_backend `all_models/inflight_batcher_llm/ensemble/config.pbtxt`) that extraBody may set, besides those the backend fills. */
export const TRITON_EXTRA_FIELDS: readonly string[] = [
  'decoder_text_input', 'image_sizes_input', 'end_id', 'pad_id', 'top_k', 'top_p', 'length_penalty', 'repetition_penalty',
  'min_tokens', 'presence_penalty', 'frequency_penalty', 'beam_width', 'bad_words', 'embedding_bias_words',
  'embedding_bias_weights', 'return_log_probs', 'return_context_logits', 'return_generation_logits',
  'prompt_table_extra_id', 'accumulate_tokens', 'exclude_input_in_output', 'id', 'parameters',
];

/** Throws a ConfigError naming the first extraBody field the server would reject. */
export function checkExtraBody(opts: Pick<HttpOptions, 'api' | 'server' | 'extraBody'>, file?: string): void {
  const allowed = opts.api === 'triton' ? TRITON_EXTRA_FIELDS : EXTRA_FIELDS[opts.server];
  for (const key of Object.keys(opts.extraBody)) {
    if (!allowed.includes(key)) {
      const target = opts.api === 'triton' ? 'the Triton ensemble' : `server '${opts.server}'`;
      throw new ConfigError(`extraBody field '${key}' is not accepted by ${target}`, {
        file, field: `backend.extraBody.${key}`,
        hint: `allowed: ${allowed.join(', ')}${opts.server === 'trtllm-serve' ? ' (trtllm-serve rejects unknown fields with HTTP 400)' : ''}`,
      });
    }
  }
}
