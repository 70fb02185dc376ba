import type { Backend, BackendContext, GenerateOptions, ModelInfo } from '../../src/core/backend.ts';
import { BackendError, ConfigError, ModelFileError } from '../../src/core/errors.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import type { VlmOutput } from '../../src/core/response.ts';
import type { LlamaCppOptions } from '../../src/config/backends.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import { getFamily } from '../../src/families/index.ts';
import { isLlamaCppFamily, LLAMA_CPP_FAMILIES, renderLlamaCppPrompt } from './families.ts';
import { leavesContextBusy, runCompletion } from './generate.ts';
import { materializeImages, tempFolder } from './images.ts';
import { preflightGguf, type PreflightResult } from './preflight.ts';
import { resolveModelPath } from './resolve.ts';
import { fugoodRuntimeId, loadFugood, reportedThreads, type FugoodContext } from './runtime.ts';
import { kvArray } from './gguf-reader.ts';
import { selectRuntime } from './select.ts';
import { createServerBackend } from './server-backend.ts';

export { LLAMA_CPP_FAMILIES } from './families.ts';
export { preflightGguf } from './preflight.ts';

/** What llama.cpp reported about itself after loading (tests and the manifest read it). */
export interface LlamaCppRuntimeReport {
  systemInfo: string;
  /** n_threads from the system info line; equals backend.threads. */
  threads: number | undefined;
  devices: string[];
  preflight: Pick<PreflightResult, 'architecture' | 'nEmbd' | 'quantization' | 'projectorType' | 'warnings'>;
}

export interface LlamaCppBackend extends Backend {
  readonly runtime: LlamaCppRuntimeReport;
  close(): Promise<void>;
}

function llamaOptions(model: ModelConfig): LlamaCppOptions {
  if (model.backend.type !== 'llama-cpp') {
    throw new ConfigError(`model ${model.id} is not a llama-cpp model`, { field: 'backend.type' });
  }
  if (!isLlamaCppFamily(model.family)) {
    throw new ConfigError(`the llama-cpp backend cannot serve family '${model.family}'`, {
      field: 'family', hint: `llama-cpp serves ${LLAMA_CPP_FAMILIES.join(', ')}; use the onnx or http backend for others`,
    });
  }
  return model.backend;
}

async function loadContext(opts: LlamaCppOptions, modelPath: string, ctx: BackendContext): Promise<{ llama: FugoodContext; warnings: string[] }> {
  const fugood = await loadFugood();
  const warnings: string[] = [];
  let variant: 'default' | 'cuda' = 'default';
  if (opts.gpuLayers > 0) {
    if (await fugood.isLibVariantAvailable('cuda')) variant = 'cuda';
    else warnings.push('gpuLayers > 0 but the @fugood CUDA build cannot load (libcudart/libcublas missing?): running on CPU');
  }
  for (const w of warnings) ctx.log(w);
  try {
    const llama = await fugood.loadModel({
      model: modelPath, n_ctx: opts.contextSize, n_batch: opts.batchSize, n_threads: opts.threads,
      n_gpu_layers: variant === 'cuda' ? opts.gpuLayers : 0, n_parallel: 1, lib_variant: variant,
    });
    return { llama, warnings };
  } catch (err) {
    throw new ModelFileError(`llama.cpp could not load ${modelPath}: ${err instanceof Error ? err.message : String(err)}`, {
      file: modelPath, field: 'backend.model', cause: err, hint: 'the llama.cpp log above names the reason',
    });
  }
}

function waitTurn(turn: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => reject(new BackendError('generation aborted while queued', { code: 'E_ABORTED' }));
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    void turn.then(() => { signal.removeEventListener('abort', aborted); resolve(); });
  });
}

async function initMmproj(llama: FugoodContext, mmprojPath: string, useGpu: boolean): Promise<void> {
  let ok = false;
  try {
    ok = llama.initMultimodal({ path: mmprojPath, use_gpu: useGpu });
  } catch (err) {
    await llama.release();
    throw new ModelFileError(`libmtmd could not load mmproj ${mmprojPath}: ${err instanceof Error ? err.message : String(err)}`, {
      file: mmprojPath, field: 'backend.mmproj', cause: err,
    });
  }
  if (!ok) {
    await llama.release();
    throw new ModelFileError(`libmtmd could not load mmproj ${mmprojPath}`, { file: mmprojPath, field: 'backend.mmproj' });
  }
}

/**
 * LLaVA-1.6 and 1.5 mmprojs differ by AnyRes: a 1.6 projector carries `clip.vision.image_grid_pinpoints`
 * (llama.cpp tools/mtmd `convert_image_encoder_to_gguf.py`). The wrong family renders the wrong
 * template and expects the wrong image tokens, so say so (`vlmbench models inspect` explains more).
 */
function familyMismatch(family: string, pre: PreflightResult): string | undefined {
  if (!pre.mmproj) return undefined;
  const anyres = (kvArray(pre.mmproj, 'clip.vision.image_grid_pinpoints')?.length ?? 0) > 0;
  if (family === 'llava-1.6' && !anyres) return `family llava-1.6, but ${pre.mmproj.file} has no AnyRes grid pinpoints: it looks like a LLaVA-1.5 projector (check with: vlmbench models inspect ${pre.mmproj.file})`;
  if (family === 'llava-1.5' && anyres) return `family llava-1.5, but ${pre.mmproj.file} has AnyRes grid pinpoints: it looks like a LLaVA-1.6 projector (check with: vlmbench models inspect ${pre.mmproj.file})`;
  return undefined;
}

/**
 * GGUF language model + mmproj. Files are checked by preflightGguf before a runtime sees them; then
 * backend.runtime picks the managed native llama-server (server-backend.ts) or @fugood/llama.node in
 * process (libmtmd), where requests run one at a time (one context, one sequence).
 */
export async function createBackend(model: ModelConfig, ctx: BackendContext): Promise<LlamaCppBackend> {
  const opts = llamaOptions(model);
  const family = getFamily(model.family);
  const modelPath = await resolveModelPath(opts.model, 'backend.model');
  const mmprojPath = opts.mmproj === undefined ? undefined : await resolveModelPath(opts.mmproj, 'backend.mmproj');
  const pre = await preflightGguf(modelPath, mmprojPath);
  const mismatch = familyMismatch(model.family, pre);
  if (mismatch) pre.warnings.push(`model ${model.id}: ${mismatch}`);
  for (const w of pre.warnings) ctx.log(w);
  const choice = selectRuntime(opts);
  if (choice.kind === 'server') return createServerBackend({ model, opts, family, modelPath, mmprojPath, pre, choice, ctx });
  if (choice.note) ctx.log(`model ${model.id}: ${choice.note}`);
  const { llama: first, warnings } = await loadContext(opts, modelPath, ctx);
  let llama = first;
  if (mmprojPath !== undefined) await initMmproj(llama, mmprojPath, opts.gpuLayers > 0);
  /** A fresh context after a native failure left the old one refusing completions (see leavesContextBusy). */
  async function resetContext(): Promise<void> {
    await llama.release().catch(() => {});
    ctx.log('llama.cpp context reloaded after a native failure');
    llama = (await loadContext(opts, modelPath, { log: () => {} })).llama;
    if (mmprojPath !== undefined) await initMmproj(llama, mmprojPath, opts.gpuLayers > 0);
  }
  if (choice.note) warnings.push(choice.note);
  const systemInfo = llama.getSystemInfo();
  const threads = reportedThreads(systemInfo);
  if (threads !== undefined && threads !== opts.threads) warnings.push(`llama.cpp reports n_threads = ${threads}, config asks for ${opts.threads}`);
  const devices = llama.getUsedDevices();
  const info: ModelInfo = {
    id: model.id, family: model.family, backend: 'llama-cpp',
    files: mmprojPath === undefined ? [modelPath] : [modelPath, mmprojPath],
    quantization: pre.quantization,
    device: devices.some((d) => /cuda|gpu/i.test(d)) ? 'cuda' : 'cpu',
    runtime: fugoodRuntimeId(),
    warnings: [...pre.warnings, ...warnings],
  };
  const tmp = tempFolder('vlmbench-llama-');
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function generateNow(req: VlmRequest, gen: GenerateOptions): Promise<VlmOutput> {
    if (closed) throw new BackendError('backend is closed', { retryable: false });
    const images = imagesOf(req);
    const { prompt, stop } = renderLlamaCppPrompt(req, { family, template: model.template, modelId: model.id, hasMmproj: mmprojPath !== undefined });
    const files = await materializeImages(images, tmp.get);
    try {
      return await runCompletion(llama, { prompt, mediaPaths: files.paths, params: req.params, familyStop: stop, seed: opts.seed, grammar: opts.grammar }, gen);
    } catch (err) {
      if (leavesContextBusy(err)) await resetContext();
      throw err;
    } finally {
      await files.cleanup();
    }
  }

  return {
    info,
    capabilities: { images: mmprojPath !== undefined, multiImage: mmprojPath !== undefined, streaming: true, parallelSequences: 1 },
    runtime: { systemInfo, threads, devices, preflight: { architecture: pre.architecture, nEmbd: pre.nEmbd, quantization: pre.quantization, projectorType: pre.projectorType, warnings: pre.warnings } },
    generate(req, gen) {
      // One context decodes one sequence: requests queue here, in order; an abort while queued
      // rejects at once without disturbing the request that is running.
      const turn = queue;
      const run = waitTurn(turn, gen.signal).then(() => generateNow(req, gen));
      queue = Promise.allSettled([turn, run]);
      return run;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await llama.release();
      await tmp.remove();
    },
  };
}
