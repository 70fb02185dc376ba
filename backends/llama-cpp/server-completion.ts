import { request, type Dispatcher } from 'undici';
import { BackendError } from '../../src/core/errors.ts';
import { now, type GenerateOptions } from '../../src/core/backend.ts';
import type { GenParams } from '../../src/core/request.ts';
import type { Timings, VlmOutput } from '../../src/core/response.ts';
import { CONTEXT_HINT } from './families.ts';

/**
 * One raw `/completion` request to llama-server: the harness-rendered prompt (never the server's chat
 * template) with images as `multimodal_data` in marker order (tools/server/README.md "POST /completion"),
 * from an empty cache (`cache_prompt: false`, as the in-process route clears its cache).
 *
 * Streamed only when per-token timings or tokens are wanted: each streamed token wakes the server's HTTP
 * thread and this process, and when the compute threads fill every core (2 threads on 2 cores) those
 * wake-ups stall the compute threads' barrier; `bench/gguf.bench.ts` measured decode at 0.86× llama-bench
 * streamed vs 0.96× in one piece. A scored answer needs only the text, so it comes in one piece.
 */

export interface ServerCompletionInput {
  prompt: string;
  /** Base64 image bytes, one per marker, in order. */
  images: string[];
  params: GenParams;
  familyStop: string[];
  seed: number;
  /** backend.grammar, used when the request sets none. */
  grammar?: string;
  /** Server-sent events, one per token (timings per token), or one JSON answer. */
  stream: boolean;
  /** The server's own connection pool (LlamaServer.dispatcher); the global one otherwise. */
  dispatcher?: Dispatcher;
}

/** llama-server's final stream event (the fields this backend reads). */
export interface ServerFinal {
  content: string;
  stop: boolean;
  stop_type?: 'eos' | 'limit' | 'word' | 'none';
  tokens_predicted?: number;
  tokens_evaluated?: number;
  truncated?: boolean;
  timings?: { cache_n?: number; prompt_n: number; prompt_ms: number; prompt_per_second: number; predicted_n: number; predicted_ms: number; predicted_per_second: number };
}

/**
 * Sampler fields: greedy is top_k 1 at temperature 0 with repetition, DRY, XTC, typical and min-p off,
 * the same neutral chain the in-process route sends (generate.ts `samplingOptions`).
 */
export function serverSampling(params: GenParams, configSeed: number): Record<string, unknown> {
  const neutral = { min_p: 0, repeat_penalty: 1, repeat_last_n: 0, dry_multiplier: 0, xtc_probability: 0, typical_p: 1, seed: params.seed ?? configSeed };
  const s = params.temperature <= 0
    ? { ...neutral, temperature: 0, top_k: 1, top_p: 1 }
    : { ...neutral, temperature: params.temperature, top_k: 0, top_p: params.topP ?? 1 };
  return params.logitBias && params.logitBias.length > 0 ? { ...s, logit_bias: params.logitBias } : s;
}

export function completionBody(input: ServerCompletionInput): Record<string, unknown> {
  const stop = [...new Set([...input.familyStop, ...(input.params.stop ?? [])])];
  return {
    prompt: input.images.length > 0 ? { prompt_string: input.prompt, multimodal_data: input.images } : input.prompt,
    n_predict: input.params.maxTokens, stream: input.stream, cache_prompt: false,
    ...serverSampling(input.params, input.seed),
    stop, ignore_eos: input.params.ignoreEos ?? false,
    ...((input.params.grammar ?? input.grammar) ? { grammar: input.params.grammar ?? input.grammar } : {}),
  };
}

/** An error body or in-stream error event → a typed BackendError with an honest `retryable`. */
export function serverError(status: number, text: string): BackendError {
  let message = text.slice(0, 500);
  try {
    const e = (JSON.parse(text) as { error?: { message?: string } }).error;
    if (e?.message) message = e.message;
  } catch { /* not JSON */ }
  if (/exceed.*context|context size/i.test(message)) {
    return new BackendError(`llama-server: ${message}`, { field: 'backend.contextSize', retryable: false, hint: CONTEXT_HINT });
  }
  // Invalid UTF-8 in the generated text fails llama-server's output parser ("The model produced output that
  // does not match the expected Content-only format", common/chat.cpp `common_chat_peg_parse`): the same
  // prompt fails the same way every time, so retrying is pointless.
  if (/does not match the expected|utf-?8/i.test(message)) {
    return new BackendError(`llama-server could not encode the answer: ${message}`, {
      code: 'E_HTTP', retryable: false,
      hint: 'the model generated invalid UTF-8 (random weights?): ban the byte tokens (GenParams.logitBias) or set backend.grammar',
    });
  }
  return new BackendError(`llama-server answered ${status}: ${message}`, { code: 'E_HTTP', retryable: status >= 500 && status !== 501 });
}

/** Reads SSE `data:` events from a fetch body. */
async function* sseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) yield data;
    }
  }
}

export interface ServerCompletion { output: VlmOutput; final: ServerFinal }

export async function runServerCompletion(url: string, input: ServerCompletionInput, opts: GenerateOptions): Promise<ServerCompletion> {
  if (opts.signal.aborted) throw new BackendError('generation aborted before it started', { code: 'E_ABORTED', retryable: false });
  return input.stream ? streamedCompletion(url, input, opts) : oneShotCompletion(url, input, opts);
}

/** The socket closed under a request before any answer: a pooled connection the server had just closed. */
function closedBeforeAnswer(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

type Answer = Awaited<ReturnType<typeof request>>;

async function post(url: string, input: ServerCompletionInput, signal: AbortSignal): Promise<Answer> {
  const body = JSON.stringify(completionBody(input));
  for (let attempt = 1; ; attempt++) {
    let res: Answer;
    try {
      // llama-server (cpp-httplib) closes the connection after every streamed answer without a
      // `Connection: close` header (`curl -v` shows "Connection 0 seems to be dead" on reuse), so a pooled
      // socket could carry the next request into a closed connection: a streamed request takes a fresh
      // connection of its own (`reset`); one-piece answers keep theirs alive.
      res = await request(`${url}/completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, reset: input.stream, ...(input.dispatcher && { dispatcher: input.dispatcher }) });
    } catch (err) {
      // Nothing was answered on a socket that closed under the request, so one more try is safe (as
      // Go's net/http Transport retries a request on a reused connection).
      if (attempt === 1 && !signal.aborted && closedBeforeAnswer(err)) continue;
      throw err;
    }
    if (res.statusCode >= 400) throw serverError(res.statusCode, await res.body.text());
    return res;
  }
}

function requestFailed(err: unknown, signal: AbortSignal, done: string): BackendError {
  if (signal.aborted) return new BackendError(`generation aborted after ${done}`, { code: 'E_ABORTED', retryable: false });
  if (err instanceof BackendError) return err;
  return new BackendError(`llama-server request failed: ${err instanceof Error ? err.message : String(err)}`, { code: 'E_HTTP', cause: err, retryable: true });
}

/** The answer in one JSON body: no per-token timings, like a non-streamed OpenAI response. */
async function oneShotCompletion(url: string, input: ServerCompletionInput, opts: GenerateOptions): Promise<ServerCompletion> {
  const startedAt = Date.now();
  const t0 = now();
  let final: ServerFinal;
  try {
    const res = await post(url, input, opts.signal);
    const text = await res.body.text();
    final = JSON.parse(text) as ServerFinal;
    if ((final as { error?: unknown }).error) throw serverError(500, text);
  } catch (err) {
    throw requestFailed(err, opts.signal, 'the request was sent');
  }
  const endMs = now() - t0;
  const tokens = final.timings?.predicted_n ?? final.tokens_predicted ?? 0;
  const timings: Timings = { startedAt, chunkMs: final.content ? [endMs] : [], chunkTokens: final.content ? [tokens] : [], endMs };
  if (final.content) opts.onToken?.({ text: final.content, tokens, atMs: endMs });
  return { output: outputOf(final, final.content, timings, input.prompt), final };
}

async function streamedCompletion(url: string, input: ServerCompletionInput, opts: GenerateOptions): Promise<ServerCompletion> {
  const { signal, onToken } = opts;
  const startedAt = Date.now();
  const t0 = now();
  const chunkMs: number[] = [];
  const chunkTokens: number[] = [];
  let text = '';
  let firstByteMs: number | undefined;
  let pendingTokens = 0;
  let final: ServerFinal | undefined;
  try {
    const res = await post(url, input, signal);
    for await (const data of sseEvents(res.body)) {
      const atMs = now() - t0;
      firstByteMs ??= atMs;
      const ev = JSON.parse(data) as ServerFinal & { tokens?: number[]; error?: unknown };
      if (ev.error) throw serverError(500, data);
      pendingTokens += ev.tokens?.length ?? 0;
      // Incomplete UTF-8 is held back by the server (empty content); its tokens count with the next piece.
      if (ev.content) {
        text += ev.content;
        const tokens = Math.max(1, pendingTokens);
        pendingTokens = 0;
        chunkMs.push(atMs);
        chunkTokens.push(tokens);
        onToken?.({ text: ev.content, tokens, atMs });
      }
      // The server ends the body right after this event; reading on to the end releases the connection cleanly.
      if (ev.stop) final = ev;
    }
  } catch (err) {
    throw requestFailed(err, signal, `${chunkMs.length} pieces`);
  }
  if (!final) throw new BackendError('llama-server closed the stream before the final event', { code: 'E_HTTP', retryable: true });
  const timings: Timings = { startedAt, chunkMs, chunkTokens, endMs: now() - t0 };
  if (chunkMs[0] !== undefined) timings.firstTokenMs = chunkMs[0];
  if (firstByteMs !== undefined) timings.firstByteMs = firstByteMs;
  // Remaining held-back tokens (an incomplete UTF-8 tail the server dropped) still count as generated.
  if (pendingTokens > 0 && chunkTokens.length > 0) chunkTokens[chunkTokens.length - 1]! += pendingTokens;
  return { output: outputOf(final, text, timings, input.prompt), final };
}

/** The record's output from the server's final event (streamed or not). */
function outputOf(final: ServerFinal, text: string, timings: Timings, prompt: string): VlmOutput {
  const t = final.timings;
  // prompt_ms spans the whole prompt: image decode, preprocessing, CLIP encode and LM prefill.
  if (t) timings.prefillMs = t.prompt_ms;
  const completionTokens = t?.predicted_n ?? final.tokens_predicted ?? timings.chunkTokens.reduce((a, b) => a + b, 0);
  return {
    text,
    finishReason: final.stop_type === 'eos' || final.stop_type === 'word' ? 'stop' : 'length',
    usage: { promptTokens: final.tokens_evaluated ?? t?.prompt_n ?? 0, completionTokens, source: 'backend' },
    timings,
    prompt,
    serverMetrics: t ? {
      prompt_n: t.prompt_n, prompt_ms: t.prompt_ms, prompt_per_second: t.prompt_per_second,
      predicted_n: t.predicted_n, predicted_ms: t.predicted_ms, predicted_per_second: t.predicted_per_second,
    } : undefined,
  };
}
