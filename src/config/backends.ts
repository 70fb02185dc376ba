import { z } from 'zod';

/** Backend option schemas: one discriminated union on `type`. */

export const LlamaCppOptions = z.strictObject({
  type: z.literal('llama-cpp'),
  /** GGUF language model (local path, or `hf:` URI resolved when online). */
  model: z.string().min(1),
  /** GGUF mmproj vision projector. */
  mmproj: z.string().min(1).optional(),
  contextSize: z.int().positive().default(2048),
  /** Always explicit: the runtime's default oversubscribes small machines (node-llama-cpp and llama.cpp default to every hardware thread). */
  threads: z.int().positive(),
  gpuLayers: z.int().min(0).default(0),
  batchSize: z.int().positive().default(512),
  seed: z.int().default(0),
  /**
   * Which llama.cpp runs the model. `server`: a managed native llama-server (built by `vlmbench runtimes
   * build llama.cpp`, or `serverBinary`); `in-process`: @fugood/llama.node (prebuilt, no AVX, ~0.1× native
   * decode); `auto`: the server when a build exists, otherwise in process with a note saying so.
   */
  runtime: z.enum(['auto', 'server', 'in-process']).default('auto'),
  /** llama-server binary to use instead of the managed build (its version is checked against the bundled commit). */
  serverBinary: z.string().min(1).optional(),
  /**
   * GBNF grammar for every request that sets none, on both runtimes. Random-weight fixtures use
   * `root ::= [\x01-\x7F]*` so answers stay valid UTF-8 (llama-server cannot return invalid UTF-8).
   */
  grammar: z.string().min(1).optional(),
  /** Server slots (sequences decoded in parallel); default: the model's / run's concurrency. */
  slots: z.int().positive().optional(),
});

export const OnnxOptions = z.strictObject({
  type: z.literal('onnx'),
  /** Model folder in the transformers.js / Optimum layout (onnx/, config.json, tokenizer.json…). */
  dir: z.string().min(1),
  /** Graph dtype suffix: '' (fp32), 'fp16', 'q4', 'quantized'… */
  dtype: z.string().default(''),
  provider: z.enum(['cpu', 'cuda', 'auto']).default('cpu'),
  deviceId: z.int().min(0).default(0),
  threads: z.int().positive(),
  /** How image features enter the embeddings: HF processor style or original LLaVA style. */
  merge: z.enum(['repeat', 'splice']).default('repeat'),
  seed: z.int().default(0),
});

export const HttpEndpoint = z.union([
  z.string().url(),
  z.strictObject({ url: z.string().url(), weight: z.number().positive().default(1) }),
]);

export const HttpOptions = z.strictObject({
  type: z.literal('http'),
  api: z.enum(['openai', 'triton']).default('openai'),
  /** Which OpenAI-compatible server this is: decides the allowlist of extra request fields. */
  server: z.enum(['trtllm-serve', 'vllm', 'sglang', 'llama-server', 'vlmbench', 'openai']).default('openai'),
  endpoints: z.array(HttpEndpoint).min(1),
  /** Model name sent to the server (OpenAI `model`, Triton model name). */
  model: z.string().min(1),
  /** Environment variable holding the bearer token; the value is never written anywhere. */
  apiKeyEnv: z.string().optional(),
  timeoutMs: z.int().positive().default(120_000),
  /** Per-server extra request fields; checked against the server's allowlist. */
  extraBody: z.record(z.string(), z.unknown()).default({}),
  /** Triton ensemble field-name overrides, e.g. { text_input: 'prompt' }. */
  tritonFields: z.record(z.string(), z.string()).default({}),
  /**
   * Triton: `tensor` (the ensemble's default) sends `image_input`, the family's preprocessed FP16 [1, N, 3, H, W], via
   * KServe v2 `/infer`: the only image input the TensorRT-LLM ensemble's preprocessing accepts for llava
   * and vila. `url` (image_url_input, JPEG data URL) and `bytes` (image_bytes_input) serve the model
   * types whose preprocessing decodes images itself (mllama, qwen2_vl, llava_onevision, pixtral);
   * `url` is the llmapi preset's default (its `image_url` input).
   */
  imageTransport: z.enum(['tensor', 'url', 'bytes']).optional(),
  /** Triton model layout: the TensorRT ensemble (`ensemble`) or the PyTorch LLM-API model (`llmapi`, sampling_param_* inputs). */
  tritonPreset: z.enum(['ensemble', 'llmapi']).default('ensemble'),
  /**
   * Triton: each streamed text_output carries the whole text so far (the BLS model deployed with
   * accumulate_tokens, or the llmapi model), instead of one piece. Default: false for ensemble, true for llmapi.
   */
  cumulativeOutput: z.boolean().optional(),
  /**
   * Triton: what a non-streamed text_output starts with. `server-template`: the server's own templated
   * prompt (the ensemble's default; removed through the wrapper's last marker, e.g. ' ASSISTANT:');
   * `prompt`: exactly the text_input sent; `none`: nothing (tensorrt_llm deployed with exclude_input_in_output).
   * Default: server-template for ensemble, none for llmapi.
   */
  outputEcho: z.enum(['server-template', 'prompt', 'none']).optional(),
  /** Marker that ends the echoed server template (default: the ensemble wrapper's post-prompt for the family). */
  echoMarker: z.string().min(1).optional(),
  maxConnections: z.int().positive().default(64),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().default(true), ca: z.string().optional() }).optional(),
  /**
   * Stream responses (SSE: per-chunk timings, TTFT); false uses the one-shot endpoints. Triton streams
   * only timing (perf) requests: its postprocessing decodes each token alone and loses word spaces.
   */
  stream: z.boolean().default(true),
  /** Path to a tokenizer.json used to count tokens when the server reports none. */
  tokenizer: z.string().optional(),
  /** Check every endpoint (GET /v1/models, Triton /v2/health/ready) before the first sample. */
  probe: z.boolean().default(true),
  /**
   * An answer longer than this multiple of maxTokens (in tokens, or in bytes at 2 KiB a token) is cut
   * off with an error: a server ignoring max_tokens cannot fill memory and samples.jsonl.
   */
  responseLimitFactor: z.number().min(1).default(4),
});

/** A backend from your own module exporting `createBackend` (like promptfoo's file:// providers). */
export const CustomOptions = z.strictObject({
  type: z.literal('custom'),
  /** Path to a .ts/.js module exporting `createBackend(model, ctx)`. */
  module: z.string().min(1),
  /** Run it in a child process so a native crash cannot take the run down. */
  isolate: z.boolean().default(true),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const BackendOptions = z.discriminatedUnion('type', [LlamaCppOptions, OnnxOptions, HttpOptions, CustomOptions]);

export type LlamaCppOptions = z.infer<typeof LlamaCppOptions>;
export type OnnxOptions = z.infer<typeof OnnxOptions>;
export type HttpOptions = z.infer<typeof HttpOptions>;
export type CustomOptions = z.infer<typeof CustomOptions>;
export type BackendOptions = z.infer<typeof BackendOptions>;
