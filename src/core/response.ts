import type { ErrorRecord } from './errors.ts';
import type { PromptSource } from './record.ts';

export type FinishReason = 'stop' | 'length' | 'abort';

/** Where token counts came from: the runtime/server itself, our tokenizer, or a rough estimate. */
export type CountSource = 'backend' | 'tokenizer' | 'estimate';

export interface Usage {
  promptTokens: number;
  /** Tokens the image(s) occupy inside promptTokens, when known. */
  imageTokens?: number;
  completionTokens: number;
  source: CountSource;
}

/**
 * Timings in milliseconds. `startedAt` is wall-clock epoch ms (for the journal); every other value is
 * relative to the request start, measured with a monotonic clock (performance.now()).
 */
export interface Timings {
  startedAt: number;
  /** First chunk that carries generated text (never a role-only / empty chunk). */
  firstTokenMs?: number;
  /** First response event of any kind (role-only and empty chunks included): TTFB, so a gap to TTFT shows. */
  firstByteMs?: number;
  /** Arrival of each chunk that carried generated text, relative to start. */
  chunkMs: number[];
  /** Tokens in each of those chunks (same length as chunkMs). */
  chunkTokens: number[];
  endMs: number;
  preprocessMs?: number;
  visionEncodeMs?: number;
  prefillMs?: number;
  /** Time spent waiting for a free slot in the scheduler before the backend was called. */
  queueMs?: number;
}

/** One streamed piece of output. */
export interface TokenEvent {
  text: string;
  /** Tokens in this piece (1 for local backends; may be >1 for HTTP chunks). */
  tokens: number;
  /** ms since request start. */
  atMs: number;
}

/** A successful generation as a backend returns it. */
export interface VlmOutput {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  timings: Timings;
  /** The exact prompt string the model saw (after the family template), when the backend renders one. */
  prompt?: string;
  /** Metrics the server/runtime reported about itself (llama-server `timings`, etc.). */
  serverMetrics?: Record<string, number>;
  /** Who rendered the prompt for this request; the model's ModelInfo.promptSource when absent. */
  promptSource?: PromptSource;
}

/** What the scheduler hands suites: a generation is an error value, never an empty answer. */
export type VlmResult =
  | ({ ok: true } & VlmOutput)
  | { ok: false; error: ErrorRecord; timings?: Timings; prompt?: string; attempts: number };

export const isOk = (r: VlmResult): r is Extract<VlmResult, { ok: true }> => r.ok;
