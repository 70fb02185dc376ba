import type { GenerateOptions } from '../../src/core/backend.ts';
import { BackendError, ConfigError } from '../../src/core/errors.ts';
import type { PromptSource } from '../../src/core/record.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import type { VlmOutput } from '../../src/core/response.ts';
import type { HttpOptions } from '../../src/config/backends.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import { getFamily } from '../../src/families/index.ts';
import { postBytes, postJson, postSse, type ExchangeContext } from './exchange.ts';
import { encodeImage } from './images.ts';
import { imageTensor, parseInferResponse, toInferRequest, type KserveInput } from './kserve.ts';
import { newStreamState } from './openai.ts';
import { checkTokenLimit, finishOutput, responseLimits } from './output.ts';
import type { TokenCounter } from './tokens.ts';
import {
  applyTritonEvent, ENSEMBLE_MODEL_TYPE, ENSEMBLE_WRAPPER, ensemblePrompt, ensembleTemplateName, ensembleUserText,
  fromTritonText, generateText, removeEcho, resolveTritonFields, toTritonBody, tritonError, tritonPath, tritonScalars,
  type OutputEcho,
} from './triton.ts';

/** Resolved Triton settings: preset defaults filled in (see HttpOptions for each field). */
export interface TritonSettings {
  preset: 'ensemble' | 'llmapi';
  imageTransport: 'tensor' | 'url' | 'bytes';
  cumulative: boolean;
  echo: OutputEcho;
  marker?: string;
}

export function tritonSettings(model: ModelConfig, opts: HttpOptions): TritonSettings {
  const preset = opts.tritonPreset;
  const imageTransport = opts.imageTransport ?? (preset === 'ensemble' ? 'tensor' : 'url');
  if (preset === 'llmapi' && imageTransport === 'tensor') {
    throw new ConfigError('the llmapi Triton model has no image_input tensor', {
      field: 'backend.imageTransport', hint: 'use imageTransport: url (its image_url input), or tritonPreset: ensemble',
    });
  }
  const type = ENSEMBLE_MODEL_TYPE[model.family];
  return {
    preset, imageTransport,
    cumulative: opts.cumulativeOutput ?? preset === 'llmapi',
    echo: opts.outputEcho ?? (preset === 'ensemble' ? 'server-template' : 'none'),
    marker: opts.echoMarker ?? (type ? ENSEMBLE_WRAPPER[type].post.trim() : undefined),
  };
}

/** Who renders the prompt: the ensemble's hard-coded wrapper, or the family template (llmapi takes raw text). */
export function tritonPromptSource(model: ModelConfig, s: TritonSettings): PromptSource {
  const type = ENSEMBLE_MODEL_TYPE[model.family];
  return s.preset === 'ensemble' && type ? { by: 'server-template', template: ensembleTemplateName(type) } : { by: 'client' };
}

/**
 * One Triton request. Scored requests are never streamed: the ensemble's postprocessing decodes each
 * streamed token alone (SentencePiece word spaces are lost, tensorrtllm_backend #112/#34/#332).
 * Timing requests stream when `stream` is set and the inputs allow it: image_input travels only by
 * /infer, which Triton does not stream over HTTP.
 */
export function createTritonGenerate(model: ModelConfig, opts: HttpOptions, ex: ExchangeContext, counter: TokenCounter | undefined) {
  const family = getFamily(model.family);
  const s = tritonSettings(model, opts);
  const fields = resolveTritonFields(opts.tritonFields, undefined, s.preset);
  const type = s.preset === 'ensemble' ? ENSEMBLE_MODEL_TYPE[model.family] : undefined;
  const baseSource = tritonPromptSource(model, s);

  return async function generate(req: VlmRequest, g: GenerateOptions): Promise<VlmOutput> {
    // Ensemble: send only the user text; the server's wrapper is the template. llmapi: the family's.
    let sent: string;
    let prompt: string;
    let stop: string[] = req.params.stop ?? [];
    if (type) {
      sent = ensembleUserText(req.messages);
      prompt = ensemblePrompt(type, sent);
    } else {
      const r = family.renderPrompt(req.messages, { template: model.template });
      sent = prompt = r.prompt;
      stop = [...new Set([...stop, ...r.stop])];
    }
    const params = { ...req.params, stop };
    const imageSources = imagesOf(req);
    if (type && imageSources.length > 1) {
      throw new BackendError(`the TensorRT-LLM ensemble takes one image per request here (got ${imageSources.length})`, {
        code: 'E_BACKEND', retryable: false, hint: 'several images need max_num_images > 1 and an <image> per image in text_input; use trtllm-serve',
      });
    }
    const tensor = s.imageTransport === 'tensor' && imageSources.length > 0;
    const streamed = opts.stream && req.purpose === 'timing' && !tensor;
    const promptSource: PromptSource = { ...baseSource, streamed };
    const finish = { counter, promptText: prompt, prompt, maxTokens: req.params.maxTokens, stop: params.stop };
    try {
      if (tensor) {
        const t = await imageTensor(family, imageSources);
        const inputs: KserveInput[] = [
          { name: fields.text_input, datatype: 'BYTES', shape: [1, 1], data: [sent] },
          ...scalarInputs(tritonScalars(params, fields), fields),
          { name: fields.stream, datatype: 'BOOL', shape: [1, 1], data: [false] },
          { name: fields.image_input, datatype: 'FP16', shape: t.shape, data: t.fp16 },
        ];
        const body = toInferRequest(inputs, [fields.text_output]);
        const r = await postBytes(ex, tritonPath(opts.model, 'infer'), body.body, body.headers, g.signal);
        const out = parseInferResponse(r.bytes, r.headerLength, r.url);
        const raw = out[fields.text_output]?.map(String).join('') ?? '';
        const st = fromTritonText(removeEcho(raw, s.echo, { prompt: sent, marker: s.marker, url: r.url }), r.endMs);
        if (st.chunkMs.length > 0) g.onToken?.({ text: st.text, tokens: 1, atMs: r.endMs });
        return { ...finishOutput(st, { ...finish, startedAt: r.startedAt, closeMs: r.endMs, noStreamTimings: true }), promptSource };
      }
      const limit = responseLimits(params.maxTokens, opts.responseLimitFactor);
      const images = await Promise.all(imageSources.map(encodeImage));
      const body = JSON.stringify(toTritonBody(sent, params, images, {
        fields, stream: streamed, imageTransport: s.imageTransport, extraBody: opts.extraBody, finishReason: s.preset === 'llmapi',
      }));
      if (streamed) {
        const st = newStreamState();
        const r = await postSse(ex, tritonPath(opts.model, 'generate_stream'), body, g.signal, (e, at, errCtx) => {
          applyTritonEvent(st, e, at, { fields, cumulative: s.cumulative, errCtx, onToken: g.onToken });
          checkTokenLimit(st, limit.tokens, errCtx.url);
        }, limit.bytes);
        return { ...finishOutput(st, { ...finish, startedAt: r.startedAt, closeMs: r.closeMs }), promptSource };
      }
      const r = await postJson(ex, tritonPath(opts.model, 'generate'), body, g.signal, limit.bytes);
      const { text, finishReason } = generateText(r.json, fields, { url: r.url, secrets: ex.secrets });
      const st = fromTritonText(removeEcho(text, s.echo, { prompt: sent, marker: s.marker, url: r.url }), r.endMs, finishReason);
      if (st.chunkMs.length > 0) g.onToken?.({ text: st.text, tokens: 1, atMs: r.endMs });
      return { ...finishOutput(st, { ...finish, startedAt: r.startedAt, closeMs: r.endMs, noStreamTimings: true }), promptSource };
    } catch (err) {
      throw tritonError(err);
    }
  };
}

/** Sampling scalars as [1, 1] tensors of the ensemble's declared types (ensemble/config.pbtxt). */
function scalarInputs(values: Record<string, number | string[]>, f: ReturnType<typeof resolveTritonFields>): KserveInput[] {
  const type = (name: string): KserveInput['datatype'] =>
    name === f.temperature || name === f.top_p ? 'FP32' : name === f.seed ? 'UINT64' : 'INT32';
  return Object.entries(values).map(([name, v]) => (Array.isArray(v)
    ? { name, datatype: 'BYTES', shape: [1, v.length], data: v }
    : { name, datatype: type(name), shape: [1, 1], data: [v] }));
}
