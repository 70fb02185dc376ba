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
