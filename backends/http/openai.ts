import { BackendError } from '../../src/core/errors.ts';
import type { ChatMessage, VlmRequest } from '../../src/core/request.ts';
import type { FinishReason, TokenEvent } from '../../src/core/response.ts';
import { streamError, type HttpErrorContext } from './errors.ts';
import type { EncodedImage } from './images.ts';
import type { SseEvent } from './sse.ts';

/**
 * OpenAI chat-completions wire format (trtllm-serve, vLLM, SGLang, llama-server, vlmbench serve):
 * the request body, and a reader that turns stream chunks into timed text pieces.
 */

export type OpenAiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
export interface OpenAiMessage { role: string; content: string | OpenAiContentPart[] }

/** Chat messages with images as data URLs, in request order (`images` is imagesOf(req) encoded). */
export function toOpenAiMessages(messages: ChatMessage[], images: EncodedImage[]): OpenAiMessage[] {
  let i = 0;
  return messages.map((m) => {
    // Text-only system/assistant turns go as plain strings: every server accepts that form.
    if (m.role !== 'user' && m.content.every((p) => p.type === 'text')) {
      return { role: m.role, content: m.content.map((p) => (p.type === 'text' ? p.text : '')).join('') };
    }
    return {
      role: m.role,
      content: m.content.map((p): OpenAiContentPart =>
        p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: images[i++]!.dataUrl } }),
    };
  });
}

export function toOpenAiBody(req: VlmRequest, images: EncodedImage[], opts: {
  model: string; stream: boolean; continuousUsage: boolean; ignoreEosField: boolean; extraBody: Record<string, unknown>;
}): Record<string, unknown> {
  const p = req.params;
  const body: Record<string, unknown> = {
    model: opts.model,
    messages: toOpenAiMessages(req.messages, images),
    // max_tokens, not max_completion_tokens: all the servers accept it (vLLM, SGLang, llama-server and trtllm-serve all read `max_tokens`).
    max_tokens: p.maxTokens,
    temperature: p.temperature,
  };
  if (p.topP !== undefined) body.top_p = p.topP;
  if (p.stop && p.stop.length > 0) body.stop = p.stop;
  if (p.seed !== undefined) body.seed = p.seed;
  if (p.ignoreEos && opts.ignoreEosField) body.ignore_eos = true;
  // OpenAI form { "<token id>": bias }; a ban (false) is -100, the API's floor (llama-server also accepts false).
  if (p.logitBias && p.logitBias.length > 0) body.logit_bias = Object.fromEntries(p.logitBias.map(([t, b]) => [String(t), b === false ? -100 : b]));
  Object.assign(body, opts.extraBody);
  if (opts.stream) {
    body.stream = true;
    body.stream_options = opts.continuousUsage ? { include_usage: true, continuous_usage_stats: true } : { include_usage: true };
  }
  return body;
}

/** OpenAI usage; `prompt_tokens_details.image_tokens` is a vendor extension (vlmbench serve sends it). */
export interface UsageWire { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { image_tokens?: number } }

export interface StreamState {
  text: string;
  /** Arrival (ms since send) of each chunk carrying generated text. */
  chunkMs: number[];
  /** Token count per chunk, from per-chunk usage when the server sends it, else 1 (recounted later). */
  chunkTokens: number[];
  /** Whether chunkTokens came from server usage (continuous_usage_stats). */
  chunkTokensFromServer: boolean;
  chunkTexts: string[];
  finishReason?: FinishReason;
  usage?: UsageWire;
  serverMetrics?: Record<string, number>;
  /** `data: [DONE]` seen. */
  done: boolean;
  /** Chunks that carried at least one choice: a stream with none is an error, as a body without one is. */
  choiceChunks?: number;
  firstEventMs?: number;
}

export function newStreamState(): StreamState {
  return { text: '', chunkMs: [], chunkTokens: [], chunkTokensFromServer: true, chunkTexts: [], done: false };
}

export function mapFinishReason(r: unknown): FinishReason | undefined {
  if (r === null || r === undefined) return undefined;
  return r === 'length' ? 'length' : 'stop';
}

/** llama-server `timings` (and any other all-numeric object) → serverMetrics. */
export function numericFields(o: unknown, prefix = ''): Record<string, number> | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
  return Object.keys(out).length ? out : undefined;
}

interface ChunkWire {
  error?: unknown;
  choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown }; finish_reason?: unknown }>;
  usage?: UsageWire | null;
  timings?: unknown;
}

/**
 * Applies one SSE event. TTFT counts only chunks that carry generated text (content, reasoning or
 * tool calls), never the role-only first chunk; a usage-only chunk never moves first/last-token times.
 */
export function applyChunk(st: StreamState, e: SseEvent, atMs: number, errCtx: HttpErrorContext, onToken?: (ev: TokenEvent) => void): void {
  st.firstEventMs ??= atMs;
  if (e.data === '[DONE]') { st.done = true; return; }
  if (e.event === 'error') throw streamError(safeParse(e.data) ?? e.data, errCtx);
  const chunk = safeParse(e.data) as ChunkWire | undefined;
  if (!chunk || typeof chunk !== 'object') {
    throw new BackendError(`unparseable stream chunk from ${errCtx.url}: ${e.data.slice(0, 200)}`, { code: 'E_PARSE' });
  }
  if (chunk.error !== undefined) throw streamError(chunk.error, errCtx);
  const choice = chunk.choices?.[0];
  if (choice) st.choiceChunks = (st.choiceChunks ?? 0) + 1;
  let piece = '';
  if (choice?.delta) {
    const d = choice.delta;
    if (typeof d.content === 'string') piece += d.content;
    if (typeof d.reasoning_content === 'string') piece += d.reasoning_content;
    if (piece === '' && Array.isArray(d.tool_calls) && d.tool_calls.length > 0) piece = JSON.stringify(d.tool_calls);
  }
  const fr = mapFinishReason(choice?.finish_reason);
  if (fr) st.finishReason = fr;
  // Per-chunk counts come from usage only when every text chunk carries it (continuous_usage_stats);
  // usage first seen on the last text chunk is the total, not that chunk's share.
  if (chunk.usage) {
    const prev = st.usage?.completion_tokens ?? 0;
    st.usage = chunk.usage;
    if (piece !== '') {
      const n = (chunk.usage.completion_tokens ?? prev) - prev;
      st.chunkTokens.push(st.chunkTokensFromServer ? Math.max(n, 1) : 1);
    }
  } else if (piece !== '') {
    st.chunkTokensFromServer = false;
    st.chunkTokens.push(1);
  }
  const metrics = numericFields(chunk.timings);
  if (metrics) st.serverMetrics = { ...st.serverMetrics, ...metrics };
  if (piece !== '') {
    st.text += piece;
    st.chunkMs.push(atMs);
    st.chunkTexts.push(piece);
    onToken?.({ text: piece, tokens: st.chunkTokens[st.chunkTokens.length - 1]!, atMs });
  }
}

/** A stream that closed without `[DONE]` and without a finish reason was cut off. */
export function checkStreamComplete(st: StreamState, errCtx: HttpErrorContext): void {
  if (st.done && !st.choiceChunks) {
    throw new BackendError(`stream from ${errCtx.url} ended without a single choice`, {
      code: 'E_PARSE', hint: 'the server sent only chunks with empty `choices`; check the model name and the server log',
    });
  }
  if (!st.done && st.finishReason === undefined) {
    throw new BackendError(`stream from ${errCtx.url} ended before completion (${st.chunkMs.length} chunks received)`, {
      code: 'E_HTTP', retryable: true, hint: 'the server or a proxy closed the connection mid-stream',
    });
  }
}

interface CompletionWire {
  error?: unknown;
  choices?: Array<{ message?: { content?: unknown; reasoning_content?: unknown }; finish_reason?: unknown }>;
  usage?: UsageWire;
  timings?: unknown;
}

/** Non-streaming response body → the same state shape (one chunk at endMs). */
export function fromCompletion(json: unknown, endMs: number, errCtx: HttpErrorContext): StreamState {
  const c = json as CompletionWire;
  if (!c || typeof c !== 'object') throw new BackendError(`unexpected response from ${errCtx.url}`, { code: 'E_PARSE' });
  if (c.error !== undefined) throw streamError(c.error, errCtx);
  const choice = c.choices?.[0];
  if (!choice) throw new BackendError(`response from ${errCtx.url} has no choices`, { code: 'E_PARSE' });
  const msg = choice.message ?? {};
  const text = `${typeof msg.reasoning_content === 'string' ? msg.reasoning_content : ''}${typeof msg.content === 'string' ? msg.content : ''}`;
  const st = newStreamState();
  st.done = true;
  st.text = text;
  st.finishReason = mapFinishReason(choice.finish_reason) ?? 'stop';
  if (c.usage) st.usage = c.usage;
  const metrics = numericFields(c.timings);
  if (metrics) st.serverMetrics = metrics;
  if (text !== '') {
    st.chunkMs.push(endMs);
    st.chunkTexts.push(text);
    st.chunkTokens.push(c.usage?.completion_tokens ?? 1);
    st.chunkTokensFromServer = c.usage?.completion_tokens !== undefined;
  }
  return st;
}

function safeParse(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}
