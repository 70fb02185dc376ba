import type { ModelConfig } from '../config/schema.ts';
import { BackendError, ConfigError, formatError } from '../core/errors.ts';
import { startServe, type RunningServe } from '../serve/start.ts';
import type { RunPlan } from './plan.ts';

const SERVE_PREFIX = 'serve:';

const endpointUrl = (e: string | { url: string }) => (typeof e === 'string' ? e : e.url);

/** The model ids an http model's serve:<id> endpoints name. */
const servedIds = (m: ModelConfig): string[] =>
  m.backend.type === 'http' ? m.backend.endpoints.map(endpointUrl).filter((u) => u.startsWith(SERVE_PREFIX)).map((u) => u.slice(SERVE_PREFIX.length)) : [];

/**
 * `endpoints: ["serve:<model-id>"]` in an http model points at another model of the same config,
 * served by vlmbench's own OpenAI-compatible server while the http models that name it run. The
 * quickstart uses it so the http backend, the server and the SSE client all run with no external server.
 */
export function createServedEndpoints(plan: RunPlan, log: (m: string) => void) {
  const servers = new Map<string, Promise<RunningServe>>();

  function serve(id: string, field: string): Promise<RunningServe> {
    let s = servers.get(id);
    if (!s) {
      if (!plan.models.some((m) => m.id === id)) {
        throw new ConfigError(`serve:${id} names no model of this config`, { file: plan.configFile, field, hint: `models: ${plan.models.map((m) => m.id).join(', ')}` });
      }
      // Name the server in the error: the http model's own failure would otherwise read as the target's.
      s = startServe({ config: { ...plan.config, models: plan.models }, models: [id], port: 0, fixturesDir: plan.fixturesDir, log })
        .catch((err: unknown) => { throw new BackendError(`serve:${id} could not start: ${formatError(err)}`, { cause: err }); });
      s.then((r) => log(`serving ${id} at ${r.url} for the http model(s) that name serve:${id}`), () => undefined);
      servers.set(id, s);
    }
    return s;
  }

  /** Stop the servers no model of `remaining` names, so a served model is not loaded beside the next one. */
  async function release(remaining: ModelConfig[]): Promise<void> {
    const needed = new Set(remaining.flatMap(servedIds));
    const done = [...servers.keys()].filter((id) => !needed.has(id));
    await Promise.all(done.map((id) => {
      const s = servers.get(id)!;
      servers.delete(id);
      return s.then((r) => r.close().then(() => log(`stopped serving ${id}`)), () => undefined);
    }));
  }

  return {
    /** The model with every serve:<id> endpoint replaced by the URL of a running server. */
    async resolve(model: ModelConfig): Promise<ModelConfig> {
      const b = model.backend;
      if (b.type !== 'http') return model;
      const endpoints = await Promise.all(b.endpoints.map(async (e, i) => {
        const url = endpointUrl(e);
        if (!url.startsWith(SERVE_PREFIX)) return e;
        const running = await serve(url.slice(SERVE_PREFIX.length), `models[${model.id}].backend.endpoints[${i}]`);
        const resolved = `${running.url}/v1`;
        return typeof e === 'string' ? resolved : { ...e, url: resolved };
      }));
      return { ...model, backend: { ...b, endpoints } };
    },
    release,
    close: () => release([]),
  };
}
