import type { Backend, BackendContext } from '../../src/core/backend.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { ModelConfig } from '../../src/config/schema.ts';
import type { HttpOptions } from '../../src/config/backends.ts';
import { imagesOf, type VlmRequest } from '../../src/core/request.ts';
import type { GenerateOptions } from '../../src/core/backend.ts';
import type { VlmOutput } from '../../src/core/response.ts';
import { getFamily } from '../../src/families/index.ts';
import { checkExtraBody, CONTINUOUS_USAGE, EXTRA_FIELDS } from './allowlist.ts';
import { postJson, postSse, type ExchangeContext } from './exchange.ts';
import { encodeImage } from './images.ts';
import { applyChunk, checkStreamComplete, fromCompletion, newStreamState, toOpenAiBody } from './openai.ts';
import { finishOutput } from './output.ts';
import { createPromptCheck } from './prompt-check.ts';
import { loadTokenCounter, type TokenCounter } from './tokens.ts';
import { createTransport, normalizeEndpoints } from './transport.ts';
import { applyTritonEvent, fromTritonResponse, resolveTritonFields, toTritonBody, tritonPath } from './triton.ts';

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
  // The family renders Triton prompts (no server-side template there); resolving it now fails early.
  const family = opts.api === 'triton' ? getFamily(model.family) : undefined;
  const fields = resolveTritonFields(opts.tritonFields);
  const counter: TokenCounter | undefined = opts.tokenizer ? await loadTokenCounter(opts.tokenizer) : undefined;
  // `…/v1` endpoints are accepted for OpenAI servers: paths below are always appended from the root.
  const endpoints = normalizeEndpoints(opts.endpoints).map((e) =>
    (opts.api === 'openai' ? { ...e, url: e.url.replace(/\/v1\/?$/, '') } : e));
  const transport = await createTransport({ endpoints, maxConnections: opts.maxConnections, tls: opts.tls });
  const ex: ExchangeContext = { transport, headers, timeoutMs: opts.timeoutMs, secrets };
  const cumulative = opts.extraBody.accumulate_tokens === true;
  const checkPrompt = createPromptCheck(model, counter, ctx.log);
  ctx.log(`http backend ${model.id}: ${opts.api} (${opts.server}) at ${endpoints.map((e) => e.url).join(', ')}`);

  async function generateOpenAi(req: VlmRequest, g: GenerateOptions): Promise<VlmOutput> {
    const images = await Promise.all(imagesOf(req).map(encodeImage));
    const body = JSON.stringify(toOpenAiBody(req, images, {
      model: opts.model, stream: opts.stream, continuousUsage: CONTINUOUS_USAGE.has(opts.server),
      ignoreEosField: EXTRA_FIELDS[opts.server].includes('ignore_eos'), extraBody: opts.extraBody,
    }));
    if (opts.stream) {
      const st = newStreamState();
      const r = await postSse(ex, '/v1/chat/completions', body, g.signal, (e, at, errCtx) => applyChunk(st, e, at, errCtx, g.onToken));
      checkStreamComplete(st, { url: r.url, secrets });
      const out = finishOutput(st, { startedAt: r.startedAt, closeMs: r.closeMs, counter, promptText: promptTextOf(req), maxTokens: req.params.maxTokens });
      await checkPrompt(req, images, st.usage?.prompt_tokens);
      return out;
    }
    const r = await postJson(ex, '/v1/chat/completions', body, g.signal);
    const st = fromCompletion(r.json, r.endMs, { url: r.url, secrets });
    if (st.chunkMs.length > 0) g.onToken?.({ text: st.text, tokens: st.chunkTokens[0]!, atMs: r.endMs });
    const out = finishOutput(st, { startedAt: r.startedAt, closeMs: r.endMs, counter, promptText: promptTextOf(req), maxTokens: req.params.maxTokens, noStreamTimings: true });
    await checkPrompt(req, images, st.usage?.prompt_tokens);
    return out;
  }

  async function generateTriton(req: VlmRequest, g: GenerateOptions): Promise<VlmOutput> {
    const { prompt, stop } = family!.renderPrompt(req.messages, { template: model.template });
    const images = await Promise.all(imagesOf(req).map(encodeImage));
    const params = { ...req.params, stop: [...new Set([...(req.params.stop ?? []), ...stop])] };
    const body = JSON.stringify(toTritonBody(prompt, params, images, {
      fields, stream: opts.stream, imageTransport: opts.imageTransport, extraBody: opts.extraBody,
    }));
    const path = tritonPath(opts.model, opts.stream);
    if (opts.stream) {
      const st = newStreamState();
      const r = await postSse(ex, path, body, g.signal, (e, at, errCtx) => {
        applyTritonEvent(st, e, at, { fields, cumulative, prompt, errCtx, onToken: g.onToken });
      });
      return finishOutput(st, { startedAt: r.startedAt, closeMs: r.closeMs, counter, promptText: prompt, prompt, maxTokens: req.params.maxTokens, stop: params.stop });
    }
    const r = await postJson(ex, path, body, g.signal);
    const st = fromTritonResponse(r.json, r.endMs, { fields, prompt, errCtx: { url: r.url, secrets } });
    if (st.chunkMs.length > 0) g.onToken?.({ text: st.text, tokens: 1, atMs: r.endMs });
    return finishOutput(st, { startedAt: r.startedAt, closeMs: r.endMs, counter, promptText: prompt, prompt, maxTokens: req.params.maxTokens, stop: params.stop, noStreamTimings: true });
  }

  return {
    info: {
      id: model.id,
      family: model.family,
      backend: 'http',
      files: endpoints.map((e) => e.url),
      device: 'remote',
      runtime: opts.api === 'triton' ? 'triton-generate' : `openai-chat:${opts.server}`,
    },
    capabilities: {
      images: true,
      multiImage: opts.api === 'openai',
      streaming: opts.stream,
      parallelSequences: opts.maxConnections * endpoints.length,
    },
    generate: (req, g) => (opts.api === 'triton' ? generateTriton(req, g) : generateOpenAi(req, g)),
    close: () => transport.close(),
  };
}

/** The text the user sent (OpenAI servers render the template themselves, so this is approximate). */
function promptTextOf(req: VlmRequest): string {
  return req.messages.flatMap((m) => m.content.map((p) => (p.type === 'text' ? p.text : ''))).join('\n');
}
