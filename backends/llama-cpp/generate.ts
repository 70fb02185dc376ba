import { BackendError } from '../../src/core/errors.ts';
import type { GenParams } from '../../src/core/request.ts';
import { now, type GenerateOptions } from '../../src/core/backend.ts';
import type { Timings, VlmOutput } from '../../src/core/response.ts';
import type { FugoodCompletionOptions, FugoodCompletionResult, FugoodContext, FugoodTokenizeResult } from './runtime.ts';
import { CONTEXT_HINT } from './families.ts';

export interface CompletionInput {
  prompt: string;
  mediaPaths: string[];
  params: GenParams;
  /** Family stop strings; merged with params.stop. */
  familyStop: string[];
  /** Config seed, used when the request sets none. */
  seed: number;
  /** backend.grammar, used when the request sets none. */
  grammar?: string;
}

/** Tokens the media chunks occupy, from libmtmd's chunk table (text and media chunks in order). */
export function mediaTokens(tok: FugoodTokenizeResult): number {
  const starts = [...tok.chunk_pos].sort((a, b) => a - b);
  return tok.chunk_pos_media.reduce((sum, pos) => {
    const next = starts.find((s) => s > pos) ?? tok.tokens.length;
    return sum + (next - pos);
  }, 0);
}

/**
 * Sampler settings. @fugood's temperature 0 is not greedy (the output still depends on the seed):
 * greedy needs top_k 1. Repetition, DRY and XTC samplers are switched off so greedy means argmax, and
 * min_p (default 0.05) so temperature sampling is plain temperature + top-p, as in HF and the ONNX backend.
 */
export function samplingOptions(params: GenParams, configSeed: number): Pick<FugoodCompletionOptions, 'temperature' | 'top_k' | 'top_p' | 'min_p' | 'seed' | 'penalty_repeat' | 'penalty_last_n' | 'dry_multiplier' | 'xtc_probability'> {
  const neutral = { min_p: 0, penalty_repeat: 1, penalty_last_n: 0, dry_multiplier: 0, xtc_probability: 0, seed: params.seed ?? configSeed };
  if (params.temperature <= 0) return { ...neutral, temperature: 0, top_k: 1, top_p: 1 };
  return { ...neutral, temperature: params.temperature, top_k: 0, top_p: params.topP ?? 1 };
}

/**
 * Generated tokens. The runtime's tokens_predicted is one short on text-only prompts (its prompt
 * loader counts the first sampled token elsewhere), and streamed pieces can merge tokens (incomplete
 * UTF-8 is held back); at the length limit the loop ran exactly maxTokens times.
 */
export function completionTokens(result: FugoodCompletionResult, pieces: number, maxTokens: number): number {
  if (finishReason(result) === 'length') return maxTokens;
  return Math.max(result.tokens_predicted, pieces);
}

/**
 * The runtime's stopped_limited flag is unreliable (false on image prompts that did hit n_predict);
 * when neither EOS nor a stop string ended the loop, the token limit did.
 */
export function finishReason(result: FugoodCompletionResult): 'stop' | 'length' {
  return result.stopped_eos || result.stopped_words ? 'stop' : 'length';
}

/**
 * Errors after which @fugood/llama.node's context refuses every later completion ("Another completion
 * is in progress"): its completion worker clears the busy flag only on success, so a native exception
 * (e.g. libmtmd "Failed to load media") or a prompt that fills the context leaves it set. The backend
 * reloads the context when it sees one (@fugood/llama.node `src/LlamaCompletionWorker.cpp` `Execute`).
 */
const contextLeftBusy = new WeakSet<object>();
export function leavesContextBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && contextLeftBusy.has(err);
}
function busy<E extends object>(err: E): E {
  contextLeftBusy.add(err);
  return err;
}

function abortError(sampleNote: string): BackendError {
  return new BackendError(`generation aborted${sampleNote}`, { code: 'E_ABORTED', retryable: false });
}

/**
 * One completion on an idle context. The KV cache is cleared first so every request is measured from
 * an empty cache (the runtime would otherwise reuse a matching prompt prefix and skew prefill times).
 *
 * Cancellation: the signal calls stopCompletion(); the runtime returns the partial result, which is
 * turned into a BackendError with code E_ABORTED (a cut-off answer is never reported as finished).
 */
export async function runCompletion(ctx: FugoodContext, input: CompletionInput, opts: GenerateOptions): Promise<VlmOutput> {
  const { signal, onToken } = opts;
  if (signal.aborted) throw abortError(' before it started');
  if (input.params.logitBias && input.params.logitBias.length > 0) {
    // @fugood/llama.node 1.7.15 reads logit_bias only in its wasm build (src/wasm/llama-node-wasm.cpp);
    // the native addon (src/LlamaContext.cpp) ignores it, so a bias would silently not apply.
    throw new BackendError('logitBias is not supported in process (@fugood/llama.node ignores logit_bias)', {
      field: 'backend.runtime', retryable: false, hint: 'use runtime: server (vlmbench runtimes build llama.cpp)',
    });
  }
  ctx.clearCache(false);
  const startedAt = Date.now();
  const t0 = now();
  const chunkMs: number[] = [];
  const chunkTokens: number[] = [];
  let streamed = '';
  let finished = false;
  const emit = (text: string): void => {
    const atMs = now() - t0;
    chunkMs.push(atMs);
    chunkTokens.push(1);
    onToken?.({ text, tokens: 1, atMs });
  };
  const stopCompletion = (): void => ctx.stopCompletion();
  signal.addEventListener('abort', stopCompletion, { once: true });
  let result: FugoodCompletionResult;
  try {
    const stop = [...new Set([...input.familyStop, ...(input.params.stop ?? [])])];
    result = await ctx.completion(
      {
        prompt: input.prompt,
        media_paths: input.mediaPaths.length > 0 ? input.mediaPaths : undefined,
        n_predict: input.params.maxTokens,
        ...samplingOptions(input.params, input.seed),
        stop: stop.length > 0 ? stop : undefined,
        ignore_eos: input.params.ignoreEos ?? false,
        ...((input.params.grammar ?? input.grammar) ? { grammar: input.params.grammar ?? input.grammar } : {}),
      },
      (token) => {
        // Token callbacks are queued from the native thread and may land after the promise resolved;
        // once the tail has been flushed below, late ones would repeat text already streamed.
        if (finished) return;
        streamed += token.token;
        emit(token.token);
      },
    );
  } catch (err) {
    if (signal.aborted) throw busy(abortError(''));
    throw busy(new BackendError(`llama.cpp completion failed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err, retryable: false,
    }));
  } finally {
    signal.removeEventListener('abort', stopCompletion);
  }
  if (result.interrupted || signal.aborted) throw abortError(` after ${result.tokens_predicted} tokens`);
  // Let token callbacks already queued by the native thread arrive before deciding what is missing.
  await new Promise<void>((resolve) => setImmediate(resolve));
  finished = true;
  // The runtime holds back an incomplete UTF-8 sequence and never streams it if generation ends there;
  // flush it so the streamed pieces always add up to the answer.
  if (result.text.length > streamed.length && result.text.startsWith(streamed)) emit(result.text.slice(streamed.length));
  const endMs = now() - t0;
  if (result.context_full) {
    throw busy(new BackendError(`prompt and answer exceed the context size (${result.tokens_evaluated} tokens evaluated)`, {
      field: 'backend.contextSize', hint: CONTEXT_HINT,
    }));
  }
  // Counted after generation so tokenising does not delay the first token.
  const tok = await ctx.tokenize(input.prompt, { media_paths: input.mediaPaths.length > 0 ? input.mediaPaths : undefined });
  const imageTokens = input.mediaPaths.length > 0 ? mediaTokens(tok) : 0;
  const t = result.timings;
  // prompt_ms runs from the start of prompt processing to its end, so with images it includes libmtmd's
  // image load, preprocessing and CLIP encoding; libmtmd only logs (never returns) the encode time, so
  // visionEncodeMs stays unset here (bench/gguf.bench.ts reads it from the log; README "Timings").
  const timings: Timings = { startedAt, chunkMs, chunkTokens, endMs, prefillMs: t.prompt_ms };
  if (chunkMs[0] !== undefined) timings.firstTokenMs = chunkMs[0];
  return {
    text: result.text,
    finishReason: finishReason(result),
    // prompt_n is what the runtime evaluated (BOS included); the cache was cleared, so it is the whole prompt.
    usage: { promptTokens: t.prompt_n > 0 ? t.prompt_n : tok.tokens.length, imageTokens, completionTokens: completionTokens(result, chunkMs.length, input.params.maxTokens), source: 'backend' },
    timings,
    prompt: input.prompt,
    serverMetrics: {
      prompt_n: t.prompt_n, prompt_ms: t.prompt_ms, prompt_per_second: t.prompt_per_second,
      predicted_n: t.predicted_n, predicted_ms: t.predicted_ms, predicted_per_second: t.predicted_per_second,
    },
  };
}
