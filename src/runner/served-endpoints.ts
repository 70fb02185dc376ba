import type { ModelConfig } from '../config/schema.ts';
import { ConfigError } from '../core/errors.ts';
import { startServe, type RunningServe } from '../serve/start.ts';
import type { RunPlan } from './plan.ts';

const SERVE_PREFIX = 'serve:';

/**
 * `endpoints: ["serve:<model-id>"]` in an http model points at another model of the same config,
 * served by vlmbench's own OpenAI-compatible server for the length of the run. The quickstart uses it
 * so the http backend, the server and the SSE client all run with no external server.
 */
export function createServedEndpoints(plan: RunPlan, log: (m: string) => void) {
  const servers = new Map<string, Promise<RunningServe>>();

  function serve(id: string, field: string): Promise<RunningServe> {
    let s = servers.get(id);
    if (!s) {
      if (!plan.models.some((m) => m.id === id)) {
        throw new ConfigError(`serve:${id} names no model of this config`, { file: plan.configFile, field, hint: `models: ${plan.models.map((m) => m.id).join(', ')}` });
      }
      s = startServe({ config: { ...plan.config, models: plan.models }, models: [id], port: 0, fixturesDir: plan.fixturesDir, log });
      s.then((r) => log(`serving ${id} at ${r.url} for the http model(s) that name serve:${id}`), () => undefined);
      servers.set(id, s);
    }
    return s;
  }

  return {
    /** The model with every serve:<id> endpoint replaced by the URL of a running server. */
    async resolve(model: ModelConfig): Promise<ModelConfig> {
      const b = model.backend;
      if (b.type !== 'http') return model;
      const endpoints = await Promise.all(b.endpoints.map(async (e, i) => {
        const url = typeof e === 'string' ? e : e.url;
        if (!url.startsWith(SERVE_PREFIX)) return e;
        const running = await serve(url.slice(SERVE_PREFIX.length), `models[${model.id}].backend.endpoints[${i}]`);
        const resolved = `${running.url}/v1`;
        return typeof e === 'string' ? resolved : { ...e, url: resolved };
      }));
      return { ...model, backend: { ...b, endpoints } };
    },
    async close(): Promise<void> {
      await Promise.all([...servers.values()].map((s) => s.then((r) => r.close(), () => undefined)));
    },
  };
}
