import type { Backend, BackendContext, ModelInfo } from '../../src/core/backend.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import type { HttpOptions } from '../../src/config/backends.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import type { GenerateOptions } from '../../src/core/backend.ts';
import type { VlmOutput } from '../../src/core/response.ts';
import { servability } from '../../src/config/servable.ts';
import { checkExtraBody, CONTINUOUS_USAGE, EXTRA_FIELDS, VERSION_DEPENDENT } from './allowlist.ts';
import { postJson, postSse, type ExchangeContext } from './exchange.ts';
import { encodeImage } from './images.ts';
import { applyChunk, checkStreamComplete, fromCompletion, newStreamState, toOpenAiBody } from './openai.ts';
import { checkTokenLimit, finishOutput, responseLimits } from './output.ts';
import { probeEndpoint, probeWarnings } from './probe.ts';
import { createPromptCheck } from './prompt-check.ts';
import { openAiPromptSource, sentMessages } from './served.ts';
import { loadTokenCounter, type TokenCounter } from './tokens.ts';
import { createTransport, normalizeEndpoints } from './transport.ts';
import { createTritonGenerate, tritonPromptSource, tritonSettings } from './triton-generate.ts';
import { resolveTritonFields } from './triton.ts';

export { createSseParser, type SseEvent, type SseParser } from './sse.ts';

/**
 * The HTTP backend: TensorRT-LLM (trtllm-serve or Triton's generate extension) and any other
 * OpenAI-compatible server (vLLM, SGLang, llama-server, vlmbench serve). I/O only: retries, the
 * run-level timeout and concurrency belong to the scheduler; this module classifies failures.
 */
export async function createBackend(model: ModelConfig, ctx: BackendContext): Promise<Backend> {
  if (model.backend.type !== 'http') {
    throw new ConfigError(`model '${model.id}' is not an http model`, { field: 'backend.type' });
  }
  const opts: HttpOptions = model.backend;
  checkExtraBody(opts);
  // Triton settings resolve (and fail on a bad combination or field name) before any connection opens.
  const triton = opts.api === 'triton' ? tritonSettings(model, opts) : undefined;
  if (triton) resolveTritonFields(opts.tritonFields, undefined, triton.preset);
  // Shown in the manifest and report beside the scores they may explain.
  const warnings = [
    ...servability(model).warnings,
    ...(opts.api === 'openai' ? VERSION_DEPENDENT[opts.server] ?? [] : []).filter((k) => k in opts.extraBody)
      .map((k) => `extraBody.${k} is accepted by some ${opts.server} versions only (HTTP 400 otherwise)`),
  ];
  for (const w of warnings) ctx.log(`warning: ${model.id}: ${w}`);
  const secrets: string[] = [];
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: opts.stream ? 'text/event-stream' : 'application/json' };
  if (opts.apiKeyEnv) {
    const key = process.env[opts.apiKeyEnv];
    if (!key) {
      throw new ConfigError(`environment variable ${opts.apiKeyEnv} (apiKeyEnv) is not set`, {
        field: 'backend.apiKeyEnv', hint: `export ${opts.apiKeyEnv}=<token> before the run`,
      });
    }
    headers.authorization = `Bearer ${key}`;
    secrets.push(key);
  }
  const counter: TokenCounter | undefined = opts.tokenizer ? await loadTokenCounter(opts.tokenizer) : undefined;
  // `…/v1` endpoints are accepted for OpenAI servers: paths below are always appended from the root.
  const endpoints = normalizeEndpoints(opts.endpoints).map((e) =>
    (opts.api === 'openai' ? { ...e, url: e.url.replace(/\/v1\/?$/, '') } : e));
  const transport = await createTransport({ endpoints, maxConnections: opts.maxConnections, tls: opts.tls });
  const ex: ExchangeContext = { transport, headers, timeoutMs: opts.timeoutMs, secrets };
  const generateTriton = opts.api === 'triton' ? createTritonGenerate(model, opts, ex, counter) : undefined;
  const promptSource = triton ? tritonPromptSource(model, triton) : openAiPromptSource(model, opts);
  // Timing requests stream when asked, except image requests to Triton as image_input (/infer only).
  const timingStreams = opts.stream && triton?.imageTransport !== 'tensor';
  // Servers that report prompt_tokens: compared with the family-rendered prompt's count (warned once).
  const checkPrompt = createPromptCheck(model, counter, ctx.log);
  ctx.log(`http backend ${model.id}: ${opts.api} (${opts.server}) at ${endpoints.map((e) => e.url).join(', ')}`);

  async function generateOpenAi(req: VlmRequest, g: GenerateOptions): Promise<VlmOutput> {
    // Always checked (VILA on trtllm-serve takes no system message); recorded when the server renders the prompt.
    const messages = sentMessages(model, opts, req.messages);
    const source = { ...promptSource, streamed: opts.stream, ...(promptSource.by === 'server-template' && { messages }) };
    const images = await Promise.all(imagesOf(req).map(encodeImage));
    const body = JSON.stringify(toOpenAiBody(req, images, {
      model: opts.model, stream: opts.stream, continuousUsage: CONTINUOUS_USAGE.has(opts.server),
      ignoreEosField: EXTRA_FIELDS[opts.server].includes('ignore_eos'), extraBody: opts.extraBody,
    }));
    const limit = responseLimits(req.params.maxTokens, opts.responseLimitFactor);
    if (opts.stream) {
      const st = newStreamState();
      const r = await postSse(ex, '/v1/chat/completions', body, g.signal, (e, at, errCtx) => {
        applyChunk(st, e, at, errCtx, g.onToken);
        checkTokenLimit(st, limit.tokens, errCtx.url);
      }, limit.bytes);
      checkStreamComplete(st, { url: r.url, secrets });
      const out = finishOutput(st, { startedAt: r.startedAt, closeMs: r.closeMs, counter, promptText: promptTextOf(req), maxTokens: req.params.maxTokens });
      await checkPrompt(req, images, st.usage?.prompt_tokens);
      return { ...out, promptSource: source };
    }
    const r = await postJson(ex, '/v1/chat/completions', body, g.signal, limit.bytes);
    const st = fromCompletion(r.json, r.endMs, { url: r.url, secrets });
    if (st.chunkMs.length > 0) g.onToken?.({ text: st.text, tokens: st.chunkTokens[0]!, atMs: r.endMs });
    const out = finishOutput(st, { startedAt: r.startedAt, closeMs: r.endMs, counter, promptText: promptTextOf(req), maxTokens: req.params.maxTokens, noStreamTimings: true });
    await checkPrompt(req, images, st.usage?.prompt_tokens);
    return { ...out, promptSource: source };
  }

  const info: ModelInfo = {
    id: model.id,
    family: model.family,
    backend: 'http',
    files: endpoints.map((e) => e.url),
    device: 'remote',
    runtime: opts.api === 'triton' ? `triton-${opts.tritonPreset}` : `openai-chat:${opts.server}`,
    // Perf records take this (they describe timing requests).
    promptSource: { ...promptSource, streamed: timingStreams },
    ...(warnings.length > 0 && { warnings }),
  };
  return {
    info,
    capabilities: {
      images: true,
      // The ensemble takes several images only when deployed with max_num_images > 1, and then wants an
      // `<image>` per image in text_input (preprocessing `_process_multi_image_inputs`): not supported yet.
      multiImage: opts.api === 'openai',
      streaming: timingStreams,
      parallelSequences: opts.maxConnections * endpoints.length,
    },
    generate: (req, g) => (generateTriton ? generateTriton(req, g) : generateOpenAi(req, g)),
    async preflight() {
      if (!opts.probe) return;
      const servers = await Promise.all(transport.endpoints.map((ep) => probeEndpoint(ep, { api: opts.api, model: opts.model, headers, secrets, timeoutMs: opts.timeoutMs })));
      const probed = servers.flatMap((p) => probeWarnings(p, opts.model, opts.api === 'openai' ? opts.server : undefined));
      for (const w of probed) ctx.log(w);
      Object.assign(info, { servers, ...(warnings.length + probed.length > 0 ? { warnings: [...warnings, ...probed] } : {}) });
    },
    close: () => transport.close(),
  };
}

/** The text the user sent (OpenAI servers render the template themselves, so this is approximate). */
function promptTextOf(req: VlmRequest): string {
  return req.messages.flatMap((m) => m.content.map((p) => (p.type === 'text' ? p.text : ''))).join('\n');
}
