import { BackendError, ConfigError } from '../../src/core/errors.ts';
import type { GenParams } from '../../src/core/request.ts';
import type { TokenEvent } from '../../src/core/response.ts';
import { streamError, type HttpErrorContext } from './errors.ts';
import type { EncodedImage } from './images.ts';
import { newStreamState, type StreamState } from './openai.ts';
import type { SseEvent } from './sse.ts';

/**
 * Triton generate extension with the TensorRT-LLM multimodal ensemble's input names
 * (triton-inference-server/server `docs/protocol/extension_generate.md`; tensorrtllm_backend ensemble `config.pbtxt`): `POST /v2/models/<m>/generate` (one JSON) and `generate_stream` (SSE, one
 * event per response, usually one token). Field names can be overridden per deployment, since the
 * newer PyTorch "llmapi" path renames them (TensorRT-LLM `triton_backend/all_models/llmapi`).
 */

export const TRITON_DEFAULT_FIELDS = {
  text_input: 'text_input',
  max_tokens: 'max_tokens',
  image_url_input: 'image_url_input',
  image_bytes_input: 'image_bytes_input',
  temperature: 'temperature',
  top_p: 'top_p',
  top_k: 'top_k',
  seed: 'seed',
  stop_words: 'stop_words',
  stream: 'stream',
  text_output: 'text_output',
} as const;

export type TritonFieldKey = keyof typeof TRITON_DEFAULT_FIELDS;
export type TritonFields = Record<TritonFieldKey, string>;

export function resolveTritonFields(overrides: Record<string, string>, file?: string): TritonFields {
  const out: TritonFields = { ...TRITON_DEFAULT_FIELDS };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in TRITON_DEFAULT_FIELDS)) {
      throw new ConfigError(`unknown Triton field '${k}' in tritonFields`, {
        file, field: `backend.tritonFields.${k}`, hint: `known fields: ${Object.keys(TRITON_DEFAULT_FIELDS).join(', ')}`,
      });
    }
    out[k as TritonFieldKey] = v;
  }
  return out;
}

export function tritonPath(model: string, stream: boolean): string {
  return `/v2/models/${encodeURIComponent(model)}/${stream ? 'generate_stream' : 'generate'}`;
}

/**
 * Ensemble inputs go at the top level of the request object (the extension passes extra properties
 * as tensors). One image input only: `image_url_input` with data URLs, or `image_bytes_input` with the
 * raw bytes as a UINT8 array (JSON can only carry a UINT8 tensor as numbers; unverified on a server).
 */
export function toTritonBody(prompt: string, params: GenParams, images: EncodedImage[], opts: {
  fields: TritonFields; stream: boolean; imageTransport: 'url' | 'bytes'; extraBody: Record<string, unknown>;
}): Record<string, unknown> {
  const f = opts.fields;
  const body: Record<string, unknown> = {
    [f.text_input]: prompt,
    [f.max_tokens]: params.maxTokens,
    [f.temperature]: params.temperature,
    [f.stream]: opts.stream,
  };
  // Greedy on TensorRT-LLM means top_k 1 (the ensemble examples pair it with temperature 0).
  if (params.temperature === 0) body[f.top_k] = 1;
  if (params.topP !== undefined) body[f.top_p] = params.topP;
  if (params.seed !== undefined) body[f.seed] = params.seed;
  if (params.stop && params.stop.length > 0) body[f.stop_words] = params.stop;
  if (images.length > 0) {
    if (opts.imageTransport === 'url') {
      body[f.image_url_input] = images.length === 1 ? images[0]!.dataUrl : images.map((i) => i.dataUrl);
    } else {
      body[f.image_bytes_input] = images.length === 1 ? Array.from(images[0]!.bytes) : images.map((i) => Array.from(i.bytes));
    }
  }
  Object.assign(body, opts.extraBody);
  return body;
}

interface TritonEvent { error?: unknown; [k: string]: unknown }

/**
 * One generate_stream event. The HTTP status is fixed by the first event, so every event is checked
 * for `error`. Events are deltas, except with BLS `accumulate_tokens`, where each carries the text so far.
 */
export function applyTritonEvent(st: StreamState, e: SseEvent, atMs: number, opts: {
  fields: TritonFields; cumulative: boolean; prompt: string; errCtx: HttpErrorContext; onToken?: (ev: TokenEvent) => void;
}): void {
  st.firstEventMs ??= atMs;
  let ev: TritonEvent;
  try {
    ev = JSON.parse(e.data) as TritonEvent;
  } catch (err) {
    throw new BackendError(`unparseable Triton event from ${opts.errCtx.url}: ${e.data.slice(0, 200)}`, { code: 'E_PARSE', cause: err });
  }
  if (ev.error !== undefined) throw streamError(ev.error, opts.errCtx);
  const out = ev[opts.fields.text_output];
  if (out === undefined) return;
  let piece = typeof out === 'string' ? out : Array.isArray(out) ? out.join('') : String(out);
  // Engines built without exclude_input_in_output echo the prompt: in the first delta, or at the
  // start of every cumulative text.
  const echoed = opts.cumulative || st.chunkMs.length === 0;
  if (echoed && opts.prompt && piece.startsWith(opts.prompt)) piece = piece.slice(opts.prompt.length);
  if (opts.cumulative) {
    // The event is the whole text so far. Its tail may differ from what came before (the detokeniser
    // completes a multi-byte character it had shown as U+FFFD): the new text wins, the rest is the piece.
    let same = 0;
    while (same < st.text.length && same < piece.length && st.text.charCodeAt(same) === piece.charCodeAt(same)) same++;
    st.text = st.text.slice(0, same);
    piece = piece.slice(same);
  }
  if (piece === '') return;
  st.text += piece;
  st.chunkMs.push(atMs);
  st.chunkTexts.push(piece);
  st.chunkTokens.push(1);
  st.chunkTokensFromServer = false;
  opts.onToken?.({ text: piece, tokens: 1, atMs });
}

/** A whole `generate` response → state with one chunk at endMs. */
export function fromTritonResponse(json: unknown, endMs: number, opts: { fields: TritonFields; prompt: string; errCtx: HttpErrorContext }): StreamState {
  const st = newStreamState();
  const ev = json as TritonEvent;
  if (!ev || typeof ev !== 'object') throw new BackendError(`unexpected Triton response from ${opts.errCtx.url}`, { code: 'E_PARSE' });
  if (ev.error !== undefined) throw streamError(ev.error, opts.errCtx);
  const out = ev[opts.fields.text_output];
  if (out === undefined) {
    throw new BackendError(`Triton response from ${opts.errCtx.url} has no '${opts.fields.text_output}'`, {
      code: 'E_PARSE', hint: 'set tritonFields.text_output to the output name of your model',
    });
  }
  let text = typeof out === 'string' ? out : Array.isArray(out) ? out.join('') : String(out);
  if (opts.prompt && text.startsWith(opts.prompt)) text = text.slice(opts.prompt.length);
  st.done = true;
  st.text = text;
  if (text !== '') {
    st.chunkMs.push(endMs);
    st.chunkTexts.push(text);
    st.chunkTokens.push(1);
  }
  st.chunkTokensFromServer = false;
  return st;
}
