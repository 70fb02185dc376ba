import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { request } from 'undici';
import type { BackendContext } from '../../src/core/backend.ts';
import { BackendError, ConfigError, ImageError } from '../../src/core/errors.ts';
import { imagesOf, type ImageSource, type VlmRequest } from '../../src/core/request.ts';
import type { LlamaCppOptions } from '../../src/config/backends.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import type { Family, VisionOverrides } from '../../src/families/types.ts';
import { kvArray, kvNumber } from './gguf-reader.ts';
import { LLAMA_CPP_MEDIA_MARKER, llamaCppImageTokens, renderLlamaCppPrompt } from './families.ts';
import type { LlamaCppBackend } from './index.ts';
import type { PreflightResult } from './preflight.ts';
import { reportedThreads } from './runtime.ts';
import { runServerCompletion } from './server-completion.ts';
import { startLlamaServer, type LlamaServer } from './server-process.ts';
import type { RuntimeChoice } from './select.ts';

/** Fresh servers after crashes before every later request fails fast (as src/runner/isolation). */
const MAX_RESTARTS = 3;

export interface ServerBackendInput {
  model: ModelConfig;
  opts: LlamaCppOptions;
  family: Family;
  modelPath: string;
  mmprojPath?: string;
  pre: PreflightResult;
  choice: Extract<RuntimeChoice, { kind: 'server' }>;
  ctx: BackendContext;
}

async function imageBytes(image: ImageSource): Promise<Buffer> {
  if (image.kind === 'buffer') {
    if (image.data.length === 0) throw new ImageError(`image ${image.name ?? ''} is empty`, { file: image.name });
    return Buffer.from(image.data);
  }
  return readFile(image.path).catch((err: unknown) => {
    throw new ImageError(`image file not found: ${image.path}`, { file: image.path, cause: err, hint: 'check the dataset folder' });
  });
}

/** The family's vision sizes, overridden by the mmproj's own (generated tiny projectors use small tiles). */
function visionOverrides(pre: PreflightResult): VisionOverrides {
  if (!pre.mmproj) return {};
  const pins = kvArray(pre.mmproj, 'clip.vision.image_grid_pinpoints')?.map(Number);
  const pinpoints = pins && pins.length >= 2 ? Array.from({ length: pins.length / 2 }, (_, i) => [pins[2 * i]!, pins[2 * i + 1]!] as [number, number]) : undefined;
  return { imageSize: kvNumber(pre.mmproj, 'clip.vision.image_size'), patchSize: kvNumber(pre.mmproj, 'clip.vision.patch_size'), pinpoints };
}

/**
 * The llama-cpp backend on the managed native llama-server: one server per model, `slots` sequences
 * decoded in parallel, prompts rendered by the family and sent raw.
 */
export async function createServerBackend(input: ServerBackendInput): Promise<LlamaCppBackend> {
  const { model, opts, family, modelPath, mmprojPath, pre, choice, ctx } = input;
  const slots = opts.slots ?? model.concurrency ?? 1;
  for (const w of choice.warnings) ctx.log(w);
  const start = (): Promise<LlamaServer> => startLlamaServer({
    binary: choice.binary, model: modelPath, mmproj: mmprojPath, threads: opts.threads, slots,
    contextSize: opts.contextSize, batchSize: opts.batchSize, gpuLayers: opts.gpuLayers, seed: opts.seed,
  });
  let server = await start();
  let restarting: Promise<LlamaServer> | undefined;
  let restarts = 0;

  /**
   * The running server, or a fresh one when it died: the samples in flight when it crashed fail, later
   * ones go on (bounded, as the isolated child process of src/runner/isolation is restarted).
   */
  async function liveServer(): Promise<LlamaServer> {
    if (server.alive()) return server;
    if (!restarting) {
      if (restarts >= MAX_RESTARTS) {
        throw new BackendError(`llama-server for ${model.id} died ${restarts + 1} times; giving up (last: ${server.crashReport()})`, { code: 'E_CRASH', retryable: false, file: modelPath });
      }
      restarts++;
      ctx.log(`llama-server for ${model.id} exited; starting a fresh one (restart ${restarts} of ${MAX_RESTARTS})`);
      void server.stop(); // its connection pool; the process is gone
      restarting = start().then((s) => (server = s)).finally(() => { restarting = undefined; });
    }
    return restarting;
  }

  const threads = reportedThreads(server.systemInfo);
  const warnings = [...pre.warnings, ...choice.warnings];
  // llama-server caps each slot at the training context (tools/server/server-context.cpp `n_ctx_slot`);
  // in process the context is what was asked. Say so rather than cut long answers silently on one route.
  const trainContext = kvNumber(pre.model, `${pre.architecture}.context_length`);
  if (trainContext !== undefined && opts.contextSize > trainContext) {
    const w = `backend.contextSize ${opts.contextSize} is more than the model's training context ${trainContext}: llama-server caps each slot at ${trainContext} tokens (prompt + answer), where the in-process route would use ${opts.contextSize}`;
    warnings.push(w);
    ctx.log(`model ${model.id}: ${w}`);
  }
  if (threads !== undefined && threads !== opts.threads) warnings.push(`llama-server reports n_threads = ${threads}, config asks for ${opts.threads}`);
  const overrides = visionOverrides(pre);
  let warnedTokens = false;
  let closed = false;

  /** Text tokens of the prompt as libmtmd splits it (BOS on the first segment), via the server's tokenizer. */
  async function textTokens(prompt: string): Promise<number> {
    const segments = prompt.split(LLAMA_CPP_MEDIA_MARKER);
    const counts = await Promise.all(segments.map(async (content, i) => {
      if (!content) return 0;
      const r = await request(`${server.url}/tokenize`, { method: 'POST', dispatcher: server.dispatcher, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content, add_special: i === 0, parse_special: true }) });
      return ((await r.body.json()) as { tokens: unknown[] }).tokens.length;
    }));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** What the images cost on llama.cpp for this family (used when the server's own count could not be checked). */
  async function imageCount(bytes: Buffer[]): Promise<number> {
    const sizes = await Promise.all(bytes.map((b) => sharp(b).metadata()));
    return sizes.reduce((sum, m) => sum + llamaCppImageTokens(family, m.width ?? 0, m.height ?? 0, overrides), 0);
  }

  /** The image tokens llama-server evaluated must be what the family costs on llama.cpp; warn once if not. */
  async function expectedCounts(bytes: Buffer[], prompt: string): Promise<{ text: number; image: number }> {
    return { text: await textTokens(prompt), image: await imageCount(bytes) };
  }

  function checkImageTokens(req: VlmRequest, counts: { text: number; image: number }, promptTokens: number): number {
    const reported = promptTokens - counts.text;
    const expected = counts.image;
    if (reported !== expected && !warnedTokens) {
      warnedTokens = true;
      ctx.log(`model ${model.id}: llama-server evaluated ${reported} image tokens for ${req.sampleId}, family ${family.key} costs ${expected} on llama.cpp: the mmproj and the family disagree (wrong family or projector?)`);
    }
    return reported;
  }

  return {
    info: {
      id: model.id, family: model.family, backend: 'llama-cpp',
      files: mmprojPath === undefined ? [modelPath] : [modelPath, mmprojPath],
      quantization: pre.quantization,
      device: opts.gpuLayers > 0 && /CUDA/i.test(server.systemInfo) ? 'cuda' : 'cpu',
      runtime: choice.runtimeId, runtimeCommit: choice.commit,
      warnings,
    },
    capabilities: { images: mmprojPath !== undefined, multiImage: mmprojPath !== undefined, streaming: true, parallelSequences: slots },
    runtime: {
      systemInfo: server.systemInfo, threads, devices: [],
      preflight: { architecture: pre.architecture, nEmbd: pre.nEmbd, quantization: pre.quantization, projectorType: pre.projectorType, warnings: pre.warnings },
    },
    async generate(req, gen) {
      if (closed) throw new ConfigError('backend is closed');
      const images = imagesOf(req);
      const { prompt, stop } = renderLlamaCppPrompt(req, { family, template: model.template, modelId: model.id, hasMmproj: mmprojPath !== undefined });
      const bytes = await Promise.all(images.map(imageBytes));
      const live = await liveServer();
      // Counted while the server generates, so the check adds no time after the last token.
      const counts = images.length > 0 ? expectedCounts(bytes, prompt) : undefined;
      counts?.catch(() => {});
      let output;
      try {
        ({ output } = await runServerCompletion(live.url, {
          prompt, images: bytes.map((b) => b.toString('base64')), params: req.params, familyStop: stop, seed: opts.seed, grammar: opts.grammar,
          // Streamed for per-token timings (perf suites) or a token listener (serve); scored answers in one piece.
          stream: req.purpose === 'timing' || gen.onToken !== undefined, dispatcher: live.dispatcher,
        }, gen));
      } catch (err) {
        // A refused connection can arrive before the exit event: give the exit a moment to land.
        if (err instanceof BackendError && err.code === 'E_HTTP' && err.retryable) await Promise.race([live.exited, sleep(500, undefined, { ref: false })]);
        // The crash is this sample's (the input may be what crashed it): not retried; the next request restarts the server.
        if (!live.alive()) {
          throw new BackendError(`llama-server for ${model.id} exited during this request (${live.crashReport()})`, {
            code: 'E_CRASH', retryable: false, file: modelPath, hint: 'the runtime crashed on this input; other samples continue on a fresh llama-server',
          });
        }
        throw err;
      }
      // The count is a check, not the answer: a /tokenize call that failed (the server's HTTP threads busy
      // with the slots) leaves the family's count in place instead of failing a sample that was answered.
      const known = counts ? await counts.catch(() => undefined) : undefined;
      output.usage.imageTokens = known ? checkImageTokens(req, known, output.usage.promptTokens) : counts ? await imageCount(bytes) : 0;
      return output;
    },
    async close() {
      if (closed) return;
      closed = true;
      await restarting?.catch(() => undefined);
      await server.stop();
    },
  };
}
