import { BackendError } from '../../src/core/errors.ts';
import { now } from '../../src/core/backend.ts';
import type { GenerateOptions } from '../../src/core/backend.ts';
import type { GenParams } from '../../src/core/request.ts';
import type { FinishReason, Timings, VlmOutput } from '../../src/core/response.ts';
import type { PreparedPrompt } from './inputs.ts';
import type { OnnxModel } from './model.ts';
import { createSampler } from './sampling.ts';
import { createTextStream } from './text-stream.ts';

export interface LoopTimings {
  /** performance.now() at request start; every *Ms is relative to it. */
  start: number;
  startedAt: number;
}

function aborted(signal: AbortSignal): BackendError {
  return new BackendError('generation aborted', { code: 'E_ABORTED', cause: signal.reason });
}

/** Context limit from config.json (text_config.max_position_embeddings), when present. */
function maxPositions(model: OnnxModel): number {
  const text = (model.config.raw.text_config ?? {}) as Record<string, unknown>;
  const v = text.max_position_embeddings ?? model.config.raw.max_position_embeddings;
  return typeof v === 'number' ? v : Number.POSITIVE_INFINITY;
}

/**
 * Prefill the merged prompt, then decode token by token with the KV cache: sample, stream text,
 * stop at EOS / stop strings / maxTokens / the context limit. Timings are relative to `t.start`.
 */
export async function decodeLoop(
  model: OnnxModel, input: PreparedPrompt, params: GenParams & { seed: number }, opts: GenerateOptions, t: LoopTimings,
): Promise<{ output: VlmOutput; tokenIds: number[] }> {
  const { signal, onToken } = opts;
  if (signal.aborted) throw aborted(signal);
  const limit = maxPositions(model);
  if (input.ids.positions >= limit) {
    throw new BackendError(`prompt of ${input.ids.positions} tokens exceeds the model's ${limit} positions`, { hint: 'Shorten the prompt or use fewer/lower-resolution images.' });
  }
  const eos = new Set(model.config.eosTokenIds);
  const sampler = createSampler({ temperature: params.temperature, topP: params.topP, seed: params.seed });
  const stream = createTextStream(model.tokenizer, params.stop ?? []);
  const chunkMs: number[] = [];
  const chunkTokens: number[] = [];
  const emit = (text: string, tokens: number): void => {
    const atMs = now() - t.start;
    chunkMs.push(atMs);
    chunkTokens.push(tokens);
    onToken?.({ text, tokens, atMs });
  };

  const p0 = now();
  let step = await model.decoder.forward(model.embedsTensor(input.embeds, input.ids.positions), model.decoder.emptyCache(), true);
  const prefillMs = now() - p0;

  const tokenIds: number[] = [];
  let completion = 0;
  let pending = 0;
  let finish: FinishReason = 'length';
  while (completion < params.maxTokens) {
    if (signal.aborted) throw aborted(signal);
    const id = sampler.next(step.logits);
    if (eos.has(id) && !params.ignoreEos) { finish = 'stop'; break; }
    tokenIds.push(id);
    completion++;
    pending++;
    const { piece, stopped } = stream.push(id);
    if (piece) { emit(piece, pending); pending = 0; }
    if (stopped) { finish = 'stop'; break; }
    if (completion >= params.maxTokens || step.cache.length + 1 >= limit) break;
    step = await model.decoder.forward(await model.embedStep(id), step.cache, true);
  }
  const rest = stream.flush();
  if (rest || pending > 0) {
    if (rest) emit(rest, pending);
    else if (chunkTokens.length > 0) chunkTokens[chunkTokens.length - 1]! += pending;
  }

  const endMs = now() - t.start;
  const timings: Timings = {
    startedAt: t.startedAt,
    chunkMs,
    chunkTokens,
    endMs,
    preprocessMs: input.preprocessMs,
    visionEncodeMs: input.visionEncodeMs,
    prefillMs,
  };
  if (chunkMs.length > 0) timings.firstTokenMs = chunkMs[0];
  const output: VlmOutput = {
    text: stream.text,
    finishReason: finish,
    usage: { promptTokens: input.ids.positions, imageTokens: input.imageTokens, completionTokens: completion, source: 'backend' },
    timings,
    prompt: input.prompt,
  };
  return { output, tokenIds };
}
