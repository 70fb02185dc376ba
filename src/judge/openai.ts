import { BackendError, ConfigError } from '../core/errors.ts';
import { redactSecrets } from '../core/redact.ts';
import type { JudgeConfig } from '../config/schema.ts';
import type { JudgeProvider } from './types.ts';

/** Base URL → chat completions URL (accepts either form). */
export function chatCompletionsUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/**
 * OpenAI-compatible chat completions judge (OpenAI, vLLM, SGLang, llama-server…). The API key is read
 * from the environment variable the config names and is only ever put in the Authorization header.
 */
export function createOpenAIProvider(config: JudgeConfig, env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): JudgeProvider {
  if (!config.endpoint) {
    throw new ConfigError('the openai judge needs an endpoint', { field: 'judge.endpoint', hint: 'e.g. https://api.openai.com/v1 or http://localhost:8000/v1' });
  }
  let apiKey: string | undefined;
  if (config.apiKeyEnv) {
    apiKey = env[config.apiKeyEnv];
    if (!apiKey) throw new ConfigError(`environment variable ${config.apiKeyEnv} is not set`, { field: 'judge.apiKeyEnv', hint: `export ${config.apiKeyEnv}=… before running` });
  }
  const answered = new Set<string>();
  const url = chatCompletionsUrl(config.endpoint);
  return {
    model: config.model,
    async call(system, user, signal, _attempt, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (apiKey) headers.authorization = `Bearer ${apiKey}`;
      const body = JSON.stringify({
        model: config.model,
        // MM-Vet's grader sends the user message alone (mm-vet_evaluator.py); the review keeps its system prompt.
        messages: opts.format === 'mmvet-score' ? [{ role: 'user', content: user }] : [{ role: 'system', content: system }, { role: 'user', content: user }],
        temperature: opts.temperature ?? config.temperature,
        max_tokens: opts.maxTokens ?? config.maxTokens,
      });
      const timeout = AbortSignal.timeout(timeoutMs);
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        // The body is read under the same signals: a reply that stalls mid-body is a timeout too.
        text = await res.text();
      } catch (err) {
        if (signal?.aborted) throw new BackendError('judge request aborted', { code: 'E_ABORTED', cause: err });
        const timedOut = timeout.aborted;
        throw new BackendError(timedOut ? `judge request timed out after ${timeoutMs} ms` : `cannot reach judge endpoint ${url}: ${redactSecrets((err as Error).message, [apiKey])}`, {
          code: timedOut ? 'E_TIMEOUT' : 'E_HTTP', retryable: true, cause: err, hint: 'check judge.endpoint and that the server is up',
        });
      }
      if (!res.ok) {
        const retryable = res.status === 429 || res.status >= 500;
        // Servers echo the key they rejected ("Incorrect API key provided: sk-…"): redacted before it is kept.
        throw new BackendError(`judge endpoint answered HTTP ${res.status}: ${redactSecrets(text, [apiKey]).slice(0, 200)}`, {
          code: res.status === 429 ? 'E_RATE_LIMIT' : 'E_HTTP', retryable, retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
          hint: res.status === 401 || res.status === 403 ? `check the API key in ${config.apiKeyEnv ?? 'judge.apiKeyEnv'}` : undefined,
        });
      }
      let content: unknown;
      try {
        const reply = JSON.parse(text) as { model?: unknown; choices?: Array<{ message?: { content?: unknown } }> };
        content = reply.choices?.[0]?.message?.content;
        // The model that actually answered (OpenAI resolves aliases, e.g. gpt-4 → gpt-4-0613; proxies may swap it).
        if (typeof reply.model === 'string' && reply.model) answered.add(reply.model);
      } catch (err) {
        throw new BackendError('judge endpoint returned invalid JSON', { code: 'E_PARSE', retryable: true, cause: err });
      }
      if (typeof content !== 'string') throw new BackendError('judge reply has no choices[0].message.content', { code: 'E_PARSE', retryable: true });
      return content;
    },
    answeredModels: () => [...answered],
    async close() {},
  };
}
