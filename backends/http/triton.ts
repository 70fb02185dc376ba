import { ENSEMBLE_FAMILIES, type EnsembleModelType } from '../../src/config/servable.ts';
import { BackendError, ConfigError } from '../../src/core/errors.ts';
import type { ChatMessage, GenParams } from '../../src/core/request.ts';
import type { TokenEvent } from '../../src/core/response.ts';
import { streamError, type HttpErrorContext } from './errors.ts';
import type { EncodedImage } from './images.ts';
import { newStreamState, type StreamState } from './openai.ts';
import type { SseEvent } from './sse.ts';

/**
 * Triton with TensorRT-LLM's models. Two layouts (`tritonPreset`):
 * - `ensemble`: triton_backend/all_models/multimodal/ensemble/config.pbtxt (preprocessing →
 *   multimodal_encoders → tensorrt_llm → postprocessing). Its preprocessing wraps text_input in a
 *   hard-coded prompt of its own (below), so the client sends only the user's text.
 * - `llmapi`: triton_backend/all_models/llmapi/tensorrt_llm/config.pbtxt, the PyTorch LLM-API model:
 *   raw `text_input` (the client renders the family template), `sampling_param_*`, `streaming`,
 *   `return_finish_reason`, cumulative `text_output`.
 * Text and scalars travel through the generate extension (`/generate`, `/generate_stream`); the
 * ensemble's image tensor through KServe v2 `/infer` (kserve.ts).
 */

export const TRITON_PRESET_FIELDS = {
  ensemble: {
    text_input: 'text_input', max_tokens: 'max_tokens', image_input: 'image_input', image_url_input: 'image_url_input',
    image_bytes_input: 'image_bytes_input', temperature: 'temperature', top_p: 'top_p', top_k: 'top_k', seed: 'seed',
    stop_words: 'stop_words', stream: 'stream', text_output: 'text_output', finish_reason: 'finish_reason',
  },
  llmapi: {
    text_input: 'text_input', max_tokens: 'sampling_param_max_tokens', image_input: 'image_input', image_url_input: 'image_url',
    image_bytes_input: 'image_bytes_input', temperature: 'sampling_param_temperature', top_p: 'sampling_param_top_p',
    top_k: 'sampling_param_top_k', seed: 'sampling_param_seed', stop_words: 'sampling_param_stop', stream: 'streaming',
    text_output: 'text_output', finish_reason: 'finish_reason',
  },
} as const;

export type TritonPreset = keyof typeof TRITON_PRESET_FIELDS;
export type TritonFieldKey = keyof typeof TRITON_PRESET_FIELDS.ensemble;
export type TritonFields = Record<TritonFieldKey, string>;
/** The ensemble's field names (kept for callers that predate presets). */
export const TRITON_DEFAULT_FIELDS: TritonFields = TRITON_PRESET_FIELDS.ensemble;

export function resolveTritonFields(overrides: Record<string, string>, file?: string, preset: TritonPreset = 'ensemble'): TritonFields {
  const out: TritonFields = { ...TRITON_PRESET_FIELDS[preset] };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in out)) {
      throw new ConfigError(`unknown Triton field '${k}' in tritonFields`, {
        file, field: `backend.tritonFields.${k}`, hint: `known fields: ${Object.keys(out).join(', ')}`,
      });
    }
    out[k as TritonFieldKey] = v;
  }
  return out;
}

export function tritonPath(model: string, kind: 'generate' | 'generate_stream' | 'infer'): string {
  return `/v2/models/${encodeURIComponent(model)}/${kind}`;
}

/** Preprocessing model type of the ensemble for each family (one declaration, shared with config validation). */
export const ENSEMBLE_MODEL_TYPE = ENSEMBLE_FAMILIES;
export type { EnsembleModelType };

/**
 * The prompt the ensemble's preprocessing builds around text_input: `pre_prompt` + image features +
 * text + `post_prompt` (TensorRT-LLM triton_backend/all_models/inflight_batcher_llm/preprocessing/1/
 * model.py `_create_request`). No template of the harness applies: the server's wrapper is the template.
 */
export const ENSEMBLE_WRAPPER: Record<EnsembleModelType, { pre: string; post: string }> = {
  llava: { pre: 'USER:\n', post: ' ASSISTANT:' },
  vila: {
    pre: "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: ",
    post: ' ASSISTANT:',
  },
};

/** Identity recorded as the prompt's provenance for ensemble runs. */
export const ensembleTemplateName = (t: EnsembleModelType) => `tensorrt_llm triton preprocessing (${t})`;

/**
 * The ensemble's prompt contract: only the user's text (question + task suffix). The wrapper places
 * the image features itself, and with max_num_images ≤ 1 a literal `<image>` would be tokenised as
 * text; one user turn only, since the wrapper has no slot for earlier turns.
 */
export function ensembleUserText(messages: readonly ChatMessage[]): string {
  const users = messages.filter((m) => m.role === 'user');
  if (users.length !== 1 || messages.some((m) => m.role !== 'user')) {
    throw new BackendError('the TensorRT-LLM ensemble takes one user turn (its preprocessing wraps text_input in a fixed prompt)', {
      code: 'E_BACKEND', retryable: false, hint: 'use api: openai with trtllm-serve for multi-turn or system messages',
    });
  }
  return users[0]!.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
}

/** What the model sees, with `<image>` where the features go (recorded as the sample's prompt). */
export const ensemblePrompt = (t: EnsembleModelType, text: string) => `${ENSEMBLE_WRAPPER[t].pre}<image>${text}${ENSEMBLE_WRAPPER[t].post}`;

export type OutputEcho = 'server-template' | 'prompt' | 'none';

/**
 * Removes the echoed input from non-streamed output. The ensemble has no exclude_input_in_output
 * input (it is a deploy-time parameter of the tensorrt_llm model) and postprocessing decodes the
 * whole sequence, so the echo is the server's templated prompt, not what was sent: it is removed
 * through the first `marker` (the wrapper's post-prompt). An output without the marker is an error,
 * so a changed server template cannot pass as an answer.
 */
export function removeEcho(text: string, echo: OutputEcho, opts: { prompt: string; marker?: string; url: string }): string {
  if (echo === 'none') return text;
  // The first generated word's SentencePiece space follows the echo: dropped with it.
  if (echo === 'prompt') return text.startsWith(opts.prompt) ? text.slice(opts.prompt.length).replace(/^ /, '') : text;
  const i = opts.marker ? text.indexOf(opts.marker) : -1;
  if (i < 0) {
    throw new BackendError(`output from ${opts.url} does not contain the server template's marker '${opts.marker ?? ''}'`, {
      code: 'E_PARSE', retryable: false,
      hint: "set outputEcho: none if the server was deployed with exclude_input_in_output, or echoMarker to the template's last words",
    });
  }
  return text.slice(i + opts.marker!.length).replace(/^ /, '');
}

/**
 * Generate-extension body. Every value is a scalar or a 1-D array (the only shapes the extension
 * maps to tensors). The image goes as image_url_input (a `data:image/jpeg;base64,` URL, the only data
 * URL preprocessing decodes) or image_bytes_input; image_input needs /infer.
 */
export function toTritonBody(prompt: string, params: GenParams, images: EncodedImage[], opts: {
  fields: TritonFields; stream: boolean; imageTransport: 'tensor' | 'url' | 'bytes'; extraBody: Record<string, unknown>; finishReason?: boolean;
}): Record<string, unknown> {
  const f = opts.fields;
  const body: Record<string, unknown> = { [f.text_input]: prompt, ...tritonScalars(params, f), [f.stream]: opts.stream };
  if (opts.finishReason) body.return_finish_reason = true;
  if (images.length > 0) {
    if (opts.imageTransport === 'url') body[f.image_url_input] = images.map((i) => i.dataUrl);
    else if (opts.imageTransport === 'bytes') body[f.image_bytes_input] = Array.from(images[0]!.bytes);
  }
  Object.assign(body, opts.extraBody);
  return body;
}

/** Sampling inputs shared by /generate and /infer. */
export function tritonScalars(params: GenParams, f: TritonFields): Record<string, number | string[]> {
  const out: Record<string, number | string[]> = { [f.max_tokens]: params.maxTokens, [f.temperature]: params.temperature };
  // Greedy on TensorRT-LLM means top_k 1 (tools/multimodal/client.py defaults: top_k 1, temperature 0 callers).
  if (params.temperature === 0) out[f.top_k] = 1;
  if (params.topP !== undefined) out[f.top_p] = params.topP;
  if (params.seed !== undefined) out[f.seed] = params.seed;
  if (params.stop && params.stop.length > 0) out[f.stop_words] = params.stop;
  return out;
}

interface TritonEvent { error?: unknown; [k: string]: unknown }

const textOf = (out: unknown) => (typeof out === 'string' ? out : Array.isArray(out) ? out.join('') : String(out));

/**
 * One generate_stream event. The HTTP status is fixed by the first event, so every event is checked
 * for `error`. Events are deltas, except with cumulative output (BLS accumulate_tokens, llmapi), where
 * each carries the text so far. Deltas from the ensemble are decoded one token at a time by
 * postprocessing, so SentencePiece word spaces are lost: streamed text is for timing only.
 */
export function applyTritonEvent(st: StreamState, e: SseEvent, atMs: number, opts: {
  fields: TritonFields; cumulative: boolean; errCtx: HttpErrorContext; onToken?: (ev: TokenEvent) => void;
}): void {
  st.firstEventMs ??= atMs;
  let ev: TritonEvent;
  try {
    ev = JSON.parse(e.data) as TritonEvent;
  } catch (err) {
    throw new BackendError(`unparseable Triton event from ${opts.errCtx.url}: ${e.data.slice(0, 200)}`, { code: 'E_PARSE', cause: err });
  }
  if (ev.error !== undefined) throw tritonError(streamError(ev.error, opts.errCtx));
  const fr = ev[opts.fields.finish_reason];
  if (fr !== undefined && fr !== null && textOf(fr) !== '') st.finishReason = textOf(fr) === 'length' ? 'length' : 'stop';
  const out = ev[opts.fields.text_output];
  if (out === undefined) return;
  let piece = textOf(out);
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

/** A whole non-streamed answer (`generate` JSON, or /infer's text_output) → state with one chunk at endMs. */
export function fromTritonText(text: string, endMs: number, finishReason?: unknown): StreamState {
  const st = newStreamState();
  st.done = true;
  st.text = text;
  if (finishReason !== undefined && finishReason !== null && textOf(finishReason) !== '') st.finishReason = textOf(finishReason) === 'length' ? 'length' : 'stop';
  if (text !== '') {
    st.chunkMs.push(endMs);
    st.chunkTexts.push(text);
    st.chunkTokens.push(1);
  }
  st.chunkTokensFromServer = false;
  return st;
}

/** The text_output of a `generate` response. */
export function generateText(json: unknown, fields: TritonFields, errCtx: HttpErrorContext): { text: string; finishReason?: unknown } {
  const ev = json as TritonEvent;
  if (!ev || typeof ev !== 'object') throw new BackendError(`unexpected Triton response from ${errCtx.url}`, { code: 'E_PARSE' });
  if (ev.error !== undefined) throw tritonError(streamError(ev.error, errCtx));
  const out = ev[fields.text_output];
  if (out === undefined) {
    throw new BackendError(`Triton response from ${errCtx.url} has no '${fields.text_output}'`, {
      code: 'E_PARSE', hint: 'set tritonFields.text_output to the output name of your model',
    });
  }
  return { text: textOf(out), finishReason: ev[fields.finish_reason] };
}

/**
 * Failures the same request will always hit: a Python exception raised by a model (preprocessing's
 * AssertionError for an image input its model type does not take, pb_utils.TritonModelException for a
 * malformed tensor), a TensorRT-LLM check (`[TensorRT-LLM][ERROR] Assertion failed`), or a route the deployment does not support (HTTP 501, e.g. /infer on a decoupled
 * model). Triton reports them as HTTP 500, so status alone would retry them.
 */
const DETERMINISTIC = /AssertionError|Assertion failed|TritonModelException|ValueError|TypeError|KeyError|IndexError|unexpected inference input|unexpected shape|doesn't support|unable to find|is not found|HTTP 501/;

/**
 * Triton's error body as the client sees it: on generate_stream, an error before the first response
 * arrives as HTTP 500 whose body is an SSE event (`data: {"error": …}`), not JSON. Unwraps that, and
 * marks deterministic failures non-retryable.
 */
export function tritonError(err: unknown): unknown {
  if (!(err instanceof BackendError) || err.code !== 'E_HTTP') return err;
  let message = err.message;
  const sse = /data:\s*(\{[\s\S]*\})/.exec(message);
  if (sse) {
    try {
      const e = (JSON.parse(sse[1]!) as { error?: unknown }).error;
      if (typeof e === 'string') message = `${message.slice(0, sse.index).replace(/:\s*$/, '')}: ${e}`;
    } catch { /* keep the raw text */ }
  }
  const deterministic = DETERMINISTIC.test(message);
  if (!deterministic && message === err.message) return err;
  return new BackendError(message, {
    code: 'E_HTTP', retryable: deterministic ? false : err.retryable, retryAfterMs: err.retryAfterMs, cause: err,
    hint: deterministic ? 'the server rejected this request itself; retrying cannot help (check imageTransport, tritonPreset and the family)' : err.hint,
  });
}
