import path from 'node:path';
import pLimit from 'p-limit';
import type { JudgeConfig } from '../config/schema.ts';
import { BackendError, VlmbenchError } from '../core/errors.ts';
import { JudgeCache, judgeCacheKey } from './cache.ts';
import { loadRules } from './rules.ts';
import type { JudgeProvider, LlavaJudge } from './types.ts';

export type { LlavaJudge, JudgeProvenance, CompleteOptions } from './types.ts';
export { isLlavaJudge } from './types.ts';

export interface CreateJudgeOptions {
  /** Default cache folder (judge.cacheDir wins when set). */
  cacheDir: string;
  log: (msg: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Transport retries per call (timeouts, 429, 5xx, connection errors). Default 3 tries in all. */
  attempts?: number;
  /** First backoff delay, doubled per try; Retry-After wins when the server sends one. */
  baseDelayMs?: number;
}

// The listener goes when the timer fires: the run's signal lives for the whole run and would collect one per retry.
const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  signal?.addEventListener('abort', onAbort, { once: true });
});

async function withRetries<T>(fn: () => Promise<T>, attempts: number, baseDelayMs: number, signal?: AbortSignal): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof VlmbenchError && err.retryable;
      if (!retryable || i >= attempts || signal?.aborted) {
        if (err instanceof VlmbenchError && err.code === 'E_ABORTED') throw err;
        throw new BackendError(`judge failed after ${i} tr${i === 1 ? 'y' : 'ies'}: ${(err as Error).message}`, {
          code: 'E_JUDGE', cause: err, hint: err instanceof VlmbenchError ? err.hint : undefined,
        });
      }
      const hinted = err instanceof VlmbenchError ? err.retryAfterMs : undefined;
      await sleep(Math.min(hinted ?? baseDelayMs * 2 ** (i - 1), 30_000), signal);
    }
  }
}

async function createProvider(config: JudgeConfig, opts: CreateJudgeOptions): Promise<JudgeProvider> {
  if (config.provider === 'openai') {
    const { createOpenAIProvider } = await import('./openai.ts');
    return createOpenAIProvider(config, opts.env ?? process.env);
  }
  const { createLlamaCppProvider, assertLocalJudgeConfig } = await import('./llama-cpp.ts');
  assertLocalJudgeConfig(config);
  return createLlamaCppProvider(config, opts.log);
}

/**
 * Build the LLaVA-Bench judge from the config: provider (OpenAI-compatible HTTP or local GGUF),
 * rule prompts (official rule.json or the built-in text), an on-disk reply cache keyed by judge model,
 * sampling settings and the full prompt, transport retries, and its own concurrency limit.
 */
export async function createJudge(config: JudgeConfig, opts: CreateJudgeOptions): Promise<LlavaJudge> {
  const rules = await loadRules(config.rules);
  const provider = await createProvider(config, opts);
  const cache = new JudgeCache(path.resolve(config.cacheDir ?? opts.cacheDir));
  const limit = pLimit(config.provider === 'llama-cpp' ? 1 : config.concurrency);
  const stats = { calls: 0, cacheHits: 0 };
  const attempts = opts.attempts ?? 3;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const provenance = {
    provider: config.provider, model: provider.model, temperature: config.temperature, maxTokens: config.maxTokens,
    rules: rules.source.label, compat: config.compat,
  };
  return {
    id: `${config.provider}:${provider.model}`,
    provenance,
    rules,
    compat: config.compat,
    stats,
    answeredBy: () => provider.answeredModels?.() ?? [],
    async complete(system, user, signal, o = {}) {
      const attempt = o.attempt ?? 0;
      const call = { format: o.format, maxTokens: o.maxTokens, temperature: o.temperature };
      const temperature = o.temperature ?? config.temperature;
      const maxTokens = o.maxTokens ?? config.maxTokens;
      // The format joins the prompt in the key only when it is not the review, so existing cache entries stay valid.
      const keyUser = o.format && o.format !== 'llava-review' ? `${o.format}\u0000${user}` : user;
      const key = judgeCacheKey({ provider: config.provider, model: provider.model, temperature, maxTokens, system, user: keyUser, attempt });
      const cached = await cache.get(key);
      if (cached !== undefined) { stats.cacheHits++; return cached; }
      return limit(async () => {
        const again = await cache.get(key); // a twin request may have finished while this one queued
        if (again !== undefined) { stats.cacheHits++; return again; }
        const reply = await withRetries(() => { stats.calls++; return provider.call(system, user, signal, attempt, call); }, attempts, baseDelayMs, signal);
        await cache.set(key, reply, { model: provider.model });
        return reply;
      });
    },
    close: () => provider.close(),
  };
}
