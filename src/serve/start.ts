import type { Config } from '../config/schema.ts';
import type { Backend } from '../core/backend.ts';
import { ConfigError } from '../core/errors.ts';
import { loadBackend } from '../runner/backends.ts';
import { createOpenAiServer, type OpenAiServer } from './server.ts';

/** Local backend types `serve` exposes by default (an http model would only proxy another server). */
const LOCAL_TYPES = new Set(['llama-cpp', 'onnx', 'custom']);

export interface ServeOptions {
  config: Config;
  /** Model ids to serve; default every local model of the config. */
  models?: string[];
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  maxImageBytes?: number;
  fixturesDir: string;
  log: (msg: string) => void;
}

export interface RunningServe extends OpenAiServer {
  models: string[];
}

/** Load the chosen backends (local ones isolated in child processes, as in a run) and serve them. */
export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  const chosen = opts.models && opts.models.length > 0
    // A model named twice is served once (loading it twice would leave one backend never closed).
    ? [...new Set(opts.models)].map((id) => {
      const m = opts.config.models.find((x) => x.id === id);
      if (!m) {
        throw new ConfigError(`no model '${id}' in the config`, {
          field: 'models', hint: `models in this config: ${opts.config.models.map((x) => x.id).join(', ')}`,
        });
      }
      return m;
    })
    : opts.config.models.filter((m) => LOCAL_TYPES.has(m.backend.type));
  if (chosen.length === 0) {
    throw new ConfigError('the config has no local model to serve', { field: 'models', hint: 'name one with --model <id>' });
  }
  const backends = new Map<string, Backend>();
  try {
    for (const m of chosen) backends.set(m.id, await loadBackend({ ...m, concurrency: m.concurrency ?? opts.config.run.concurrency }, { fixturesDir: opts.fixturesDir, log: opts.log }));
    const server = await createOpenAiServer({
      backends, host: opts.host, port: opts.port, maxBodyBytes: opts.maxBodyBytes, maxImageBytes: opts.maxImageBytes,
    });
    return {
      url: server.url,
      models: [...backends.keys()],
      async close() {
        await server.close();
        await Promise.all([...backends.values()].map((b) => b.close?.()));
      },
    };
  } catch (err) {
    await Promise.all([...backends.values()].map((b) => b.close?.().catch(() => {})));
    throw err;
  }
}
