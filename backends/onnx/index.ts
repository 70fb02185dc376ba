import { BackendError, ConfigError } from '../../src/core/errors.ts';
import { now } from '../../src/core/backend.ts';
import type { Backend, BackendContext, GenerateOptions, ModelInfo } from '../../src/core/backend.ts';
import type { VlmRequest } from '../../src/core/request.ts';
import type { VlmOutput } from '../../src/core/response.ts';
import type { OnnxOptions } from '../../src/config/backends.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import { getFamily } from '../../src/families/index.ts';
import { FOLDER_TEMPLATE, folderTemplate } from './chat-template.ts';
import { decodeLoop } from './generate.ts';
import { preparePrompt } from './inputs.ts';
import { loadOnnxModel } from './model.ts';
import type { OnnxModel } from './model.ts';

export { loadOnnxModel } from './model.ts';
export type { OnnxModel } from './model.ts';

function onnxOptions(model: ModelConfig): OnnxOptions {
  if (model.backend.type !== 'onnx') {
    throw new ConfigError(`model ${model.id} is not an onnx model (backend.type ${model.backend.type})`, { field: 'backend.type' });
  }
  return model.backend;
}

function modelInfo(model: ModelConfig, opts: OnnxOptions, loaded: OnnxModel): ModelInfo {
  const f = loaded.files;
  return {
    id: model.id,
    family: model.family,
    backend: 'onnx',
    files: [f.graphs.vision_encoder, f.graphs.embed_tokens, f.graphs.decoder_model_merged, f.config, f.tokenizer],
    quantization: opts.dtype || 'fp32',
    device: loaded.device,
    runtime: `onnxruntime-node@${loaded.ort.env.versions.node ?? 'unknown'}`,
    warnings: [...loaded.warnings],
  };
}

/** Resolve when `turn` settles; reject at once (E_ABORTED) if the signal fires while waiting. */
function waitTurn(turn: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => reject(new BackendError('generation aborted while queued', { code: 'E_ABORTED', retryable: false }));
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    void turn.then(() => { signal.removeEventListener('abort', aborted); resolve(); });
  });
}

/**
 * ONNX Runtime backend for LLaVA-family exports in the transformers.js / Optimum layout. One
 * generation at a time: calls queue inside the backend (parallelSequences 1).
 */
export async function createBackend(model: ModelConfig, ctx: BackendContext): Promise<Backend> {
  const opts = onnxOptions(model);
  const family = getFamily(model.family);
  const loaded = await loadOnnxModel({
    dir: opts.dir, dtype: opts.dtype, provider: opts.provider, deviceId: opts.deviceId, threads: opts.threads,
  });
  for (const w of loaded.warnings) ctx.log(`[${model.id}] ${w}`);
  // Prompts come from the family; `template: chat_template` defers to the folder's Jinja template.
  const render = model.template === FOLDER_TEMPLATE ? await folderTemplate(loaded.files) : undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed: Promise<void> | undefined;

  const generateOne = async (req: VlmRequest, gen: GenerateOptions): Promise<VlmOutput> => {
    if (closed) throw new BackendError('backend is closed', { retryable: false });
    // An abort that came while queued must not cost an image preprocessing and vision encode.
    if (gen.signal.aborted) throw new BackendError('generation aborted while queued', { code: 'E_ABORTED', retryable: false });
    const start = now();
    const startedAt = Date.now();
    const prepared = await preparePrompt(loaded, family, req, { template: model.template, merge: opts.merge, render });
    // The template's stop strings always apply; a request may add its own.
    const stop = [...new Set([...prepared.stop, ...(req.params.stop ?? [])])];
    const params = { ...req.params, stop, seed: req.params.seed ?? opts.seed };
    return (await decodeLoop(loaded, prepared, params, gen, { start, startedAt })).output;
  };

  return {
    info: modelInfo(model, opts, loaded),
    capabilities: { images: true, multiImage: true, streaming: true, parallelSequences: 1 },
    generate(req, gen) {
      // Requests queue in order; one aborted while queued rejects at once (the one running is untouched).
      const run = waitTurn(queue, gen.signal).then(() => generateOne(req, gen));
      queue = Promise.allSettled([queue, run]);
      return run;
    },
    close() {
      // Sessions are released only after the generation in flight (and those queued) settle:
      // releasing them under a running decoder fails it with 'Session already disposed'.
      closed ??= (async () => { await queue; await loaded.close(); })();
      return closed;
    },
  };
}
