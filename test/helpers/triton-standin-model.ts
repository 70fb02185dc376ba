import { createHash } from 'node:crypto';

/**
 * The model side of the Triton stand-in (test/helpers/triton-standin.ts): what TensorRT-LLM's Triton
 * models accept, reject and answer. Each behaviour names the TensorRT-LLM file it copies. The "LLM"
 * itself is a stand-in: it answers the words of the user text reversed, then `img:<sha8>` per image
 * input (the hash of the bytes it received), one token per word.
 */

export type StandinModelType = 'llava' | 'vila' | 'mllama';

/** Ensemble inputs: triton_backend/all_models/multimodal/ensemble/config.pbtxt `input` (name → Triton type). */
export const ENSEMBLE_INPUTS: Record<string, string> = {
  text_input: 'BYTES', decoder_text_input: 'BYTES', image_input: 'FP16', image_bytes_input: 'UINT8', image_url_input: 'BYTES',
  image_sizes_input: 'INT64', video_bytes_input: 'UINT8', max_tokens: 'INT32', bad_words: 'BYTES', stop_words: 'BYTES',
  end_id: 'INT32', pad_id: 'INT32', top_k: 'INT32', top_p: 'FP32', temperature: 'FP32', length_penalty: 'FP32',
  repetition_penalty: 'FP32', min_tokens: 'INT32', presence_penalty: 'FP32', frequency_penalty: 'FP32', seed: 'UINT64',
  return_log_probs: 'BOOL', return_context_logits: 'BOOL', return_generation_logits: 'BOOL', beam_width: 'INT32',
  stream: 'BOOL', prompt_table_extra_id: 'UINT64', embedding_bias_words: 'BYTES', embedding_bias_weights: 'FP32',
};
/** config.pbtxt: the two inputs without `optional: true`. */
export const ENSEMBLE_REQUIRED = ['text_input', 'max_tokens'];

/** llmapi model inputs: triton_backend/all_models/llmapi/tensorrt_llm/config.pbtxt `input`. */
export const LLMAPI_INPUTS: Record<string, string> = {
  text_input: 'BYTES', image_url: 'BYTES', streaming: 'BOOL', sampling_param_best_of: 'INT32', sampling_param_temperature: 'FP32',
  sampling_param_top_k: 'INT32', sampling_param_top_p: 'FP32', sampling_param_frequency_penalty: 'FP32',
  sampling_param_presence_penalty: 'FP32', sampling_param_max_tokens: 'INT32', sampling_param_stop: 'BYTES',
  sampling_param_seed: 'UINT64', sampling_param_exclude_input_from_output: 'BOOL', sampling_param_return_perf_metrics: 'BOOL',
  return_finish_reason: 'BOOL', return_stop_reason: 'BOOL', return_cumulative_logprob: 'BOOL', stop: 'BOOL',
  lora_id: 'UINT64', lora_name: 'BYTES', lora_path: 'BYTES', lora_ckpt_source: 'BYTES',
};
export const LLMAPI_REQUIRED = ['text_input'];

/** preprocessing/1/model.py `_create_request`: the hard-coded prompt around text_input per model type. */
export const WRAPPER: Record<StandinModelType, { pre: string; post: string }> = {
  llava: { pre: 'USER:\n', post: ' ASSISTANT:' },
  vila: {
    pre: "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: ",
    post: ' ASSISTANT:',
  },
  // `'blip2' in model_type or 'mllama' == model_type`: pre_prompt = post_prompt = None.
  mllama: { pre: '', post: '' },
};

/** Image side of the visual engine per model type (CLIP-336 for LLaVA-1.5, SigLIP-384 for VILA1.5). */
export const IMAGE_SIZE: Record<StandinModelType, number> = { llava: 336, vila: 384, mllama: 560 };

/** A model error as Triton reports it: `status` 500 for exceptions raised inside a Python model. */
export class ModelError extends Error {
  constructor(message: string, readonly status = 500) { super(message); }
}

/** How Triton wraps an exception raised by a step of an ensemble (server ensemble_scheduler error text). */
export const ensembleFailure = (step: string, message: string) =>
  new ModelError(`in ensemble 'ensemble', Failed to process the request(s) for model '${step}_0_0', message: ${message}`);

export const hash8 = (b: Uint8Array) => `img:${createHash('sha256').update(b).digest('hex').slice(0, 8)}`;

/**
 * preprocessing/1/model.py `execute`: image_url_input / image_bytes_input reach the VisionPreProcessor,
 * which exists only for mllama, llava_onevision, qwen2_vl and pixtral; for llava and vila
 * `assert self.vision_preprocessor != None` fails. `load_images_from_urls` decodes only
 * `data:image/jpeg;base64,` URLs and hands anything else to `requests.get`, which has no adapter for
 * other data URLs.
 */
export function preprocessImages(type: StandinModelType, urls: string[] | undefined, bytes: Uint8Array[] | undefined): string[] {
  if (!urls && !bytes) return [];
  if (type === 'llava' || type === 'vila') {
    throw ensembleFailure('preprocessing', 'AssertionError: Vision preprocessor for preparing images before encoding is None');
  }
  if (urls) {
    return urls.map((u) => {
      if (!u.startsWith('data:image/jpeg;base64,')) {
        throw ensembleFailure('preprocessing', `InvalidSchema: No connection adapters were found for '${u.slice(0, 40)}'`);
      }
      return hash8(Buffer.from(u.split(',')[1]!, 'base64'));
    });
  }
  return bytes!.map(hash8);
}

/**
 * multimodal_encoders: image_input goes to the visual engine as is (ensemble config.pbtxt maps
 * `IMAGE` ← `image_input`), so its shape must be what the engine was built for: [B, N, 3, S, S].
 */
export function checkImageTensor(type: StandinModelType, shape: number[], maxNumImages: number): void {
  const s = IMAGE_SIZE[type];
  if (shape.length !== 5 || shape[0] !== 1 || shape[2] !== 3 || shape[3] !== s || shape[4] !== s || shape[1]! < 1 || shape[1]! > maxNumImages) {
    throw ensembleFailure('multimodal_encoders', `TritonModelException: unexpected shape for input 'IMAGE' [${shape.join(',')}], expected [1,1..${maxNumImages},3,${s},${s}]`);
  }
}

/** The stand-in LLM's answer tokens: the user text's words reversed, then one token per image. */
export function answerTokens(text: string, images: string[], maxTokens: number): string[] {
  return [...text.split(/\s+/).filter(Boolean).reverse(), ...images].slice(0, maxTokens);
}

/**
 * What postprocessing/1/model.py returns. Non-streamed, the ensemble decodes the whole output_ids,
 * which hold the input too unless tensorrt_llm was deployed with exclude_input_in_output (its
 * config.pbtxt parameter; the ensemble has no such input): the echo is the *templated* prompt, image
 * feature ids (≥ vocab size) and BOS decoded to nothing, then the answer with its word spaces.
 */
export function wholeOutput(type: StandinModelType, text: string, tokens: string[], excludeInput: boolean): string {
  const answer = tokens.map((t) => ` ${t}`).join('');
  return excludeInput ? answer.trimStart() : `${WRAPPER[type].pre}${text}${WRAPPER[type].post}${answer}`;
}

/**
 * Streamed, postprocessing decodes each response's new token alone (`tokenizer.decode` of one id), so
 * a SentencePiece word's leading space '▁' is dropped and words run together (tensorrtllm_backend
 * issues #112, #34, #332). The BLS model's accumulate_tokens deploy parameter decodes the tokens so
 * far instead, so each response carries the whole text with its spaces.
 */
export function streamPieces(tokens: string[], accumulate: boolean): string[] {
  return tokens.map((_, i) => (accumulate ? tokens.slice(0, i + 1).join(' ') : tokens[i]!));
}
