import { BackendError } from '../../src/core/errors.ts';
import type { CountSource, FinishReason, Usage, VlmOutput } from '../../src/core/response.ts';
import type { StreamState } from './openai.ts';
import { estimateTokens, type TokenCounter } from './tokens.ts';

/**
 * Turns a finished stream into a VlmOutput: token counts from the server when it sent usage, else
 * the model's tokenizer, else an estimate — and the source is recorded either way. Counting runs
 * after the last chunk arrived, so it never delays a timestamp.
 */
export function finishOutput(st: StreamState, o: {
  startedAt: number;
  closeMs: number;
  counter?: TokenCounter;
  /** Text to count prompt tokens from when the server reports none. */
  promptText: string;
  /** Rendered prompt, when this backend rendered one (Triton). */
  prompt?: string;
  maxTokens: number;
  /** Stop strings to cut the text at (servers without a template may return them). */
  stop?: string[];
  /** One-shot response: no per-chunk arrival data, so no TTFT. */
  noStreamTimings?: boolean;
}): VlmOutput {
  let text = st.text;
  let stoppedByString = false;
  for (const s of o.stop ?? []) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0) { text = text.slice(0, at); stoppedByString = true; }
  }

  let chunkTokens = st.chunkTokens;
  if (!st.chunkTokensFromServer && o.counter && !o.noStreamTimings) {
    const c = o.counter;
    chunkTokens = st.chunkTexts.map((t) => Math.max(1, c.count(t)));
  }

  let completionTokens: number;
  let completionSource: CountSource;
  if (st.usage?.completion_tokens !== undefined) {
    completionTokens = st.usage.completion_tokens;
    completionSource = 'backend';
  } else if (o.counter) {
    completionTokens = o.counter.count(text);
    completionSource = 'tokenizer';
  } else {
    completionTokens = o.noStreamTimings ? estimateTokens(text) : chunkTokens.reduce((a, b) => a + b, 0);
    completionSource = 'estimate';
  }
  let promptTokens: number;
  let promptSource: CountSource;
  if (st.usage?.prompt_tokens !== undefined) {
    promptTokens = st.usage.prompt_tokens;
    promptSource = 'backend';
  } else if (o.counter) {
    promptTokens = o.counter.count(o.promptText);
    promptSource = 'tokenizer';
  } else {
    promptTokens = estimateTokens(o.promptText);
    promptSource = 'estimate';
  }
  const rank: Record<CountSource, number> = { backend: 0, tokenizer: 1, estimate: 2 };
  const usage: Usage = {
    promptTokens,
    completionTokens,
    // One field for both counts: the weaker of the two sources.
    source: rank[promptSource] >= rank[completionSource] ? promptSource : completionSource,
  };
  // Servers that say how many of the prompt tokens were image tokens (vlmbench serve does).
  const imageTokens = st.usage?.prompt_tokens_details?.image_tokens;
  if (typeof imageTokens === 'number') usage.imageTokens = imageTokens;

  const finishReason: FinishReason = stoppedByString
    ? 'stop'
    : st.finishReason ?? (completionTokens >= o.maxTokens ? 'length' : 'stop');
  const lastChunk = st.chunkMs[st.chunkMs.length - 1];
  const out: VlmOutput = {
    text,
    finishReason,
    usage,
    timings: {
      startedAt: o.startedAt,
      ...(o.noStreamTimings || st.chunkMs[0] === undefined ? {} : { firstTokenMs: st.chunkMs[0] }),
      ...(o.noStreamTimings || st.firstEventMs === undefined ? {} : { firstByteMs: st.firstEventMs }),
      chunkMs: st.chunkMs,
      chunkTokens,
      // E2EL ends at the last token chunk; a trailing usage chunk or [DONE] does not move it.
      endMs: lastChunk ?? o.closeMs,
    },
  };
  if (o.prompt !== undefined) out.prompt = o.prompt;
  if (st.serverMetrics) out.serverMetrics = st.serverMetrics;
  return out;
}

/** Bytes allowed per requested token before a response counts as runaway (SSE framing included). */
export const RESPONSE_BYTES_PER_TOKEN = 2048;

/** Limits on one answer: `factor` × maxTokens tokens, and as many 2 KiB units of bytes (+ 64 KiB). */
export function responseLimits(maxTokens: number, factor: number): { tokens: number; bytes: number } {
  const tokens = Math.ceil(maxTokens * factor);
  return { tokens, bytes: tokens * RESPONSE_BYTES_PER_TOKEN + 65_536 };
}

/** Stops a stream that has produced more tokens than allowed (a server ignoring max_tokens). */
export function checkTokenLimit(st: StreamState, limit: number, url: string): void {
  const n = Math.max(st.usage?.completion_tokens ?? 0, st.chunkTokens.reduce((a, b) => a + b, 0));
  if (n > limit) {
    throw new BackendError(`response from ${url} exceeded ${limit} tokens (${n} received); reading stopped (the server seems to ignore max_tokens)`, {
      code: 'E_HTTP', retryable: false, field: 'backend.responseLimitFactor',
      hint: 'check the server honours max_tokens; raise backend.responseLimitFactor if answers are legitimately longer',
    });
  }
}
