import { BackendError, ConfigError } from '../../src/core/errors.ts';
import type { ServerProbe } from '../../src/core/backend.ts';
import { errorBodyMessage, networkError, redact } from './errors.ts';
import type { Endpoint } from './transport.ts';

export interface ProbeOptions {
  api: 'openai' | 'triton';
  model: string;
  headers: Record<string, string>;
  secrets: readonly string[];
  timeoutMs: number;
}

/**
 * Checked once before a model's first sample: a dead endpoint or a rejected key fails the model's load
 * (one clear error) instead of every sample after all its retries. OpenAI servers answer GET /v1/models
 * (vLLM, SGLang, trtllm-serve, llama-server, vlmbench serve); Triton answers GET /v2/health/ready. What
 * the server says about itself (model ids, owned_by, Server header) goes into the manifest.
 */
export async function probeEndpoint(ep: Endpoint, opts: ProbeOptions): Promise<ServerProbe> {
  const path = opts.api === 'triton' ? '/v2/health/ready' : '/v1/models';
  const url = `${ep.url.replace(/\/+$/, '')}${path}`;
  const timeoutMs = Math.min(opts.timeoutMs, 30_000);
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string;
  let serverHeader: string | undefined;
  try {
    const headers = { ...opts.headers };
    delete headers['content-type'];
    headers.accept = 'application/json';
    const res = await ep.pool.request({ path: `${ep.basePath}${path}`, method: 'GET', headers, signal });
    status = res.statusCode;
    const h = res.headers.server;
    serverHeader = Array.isArray(h) ? h[0] : h;
    text = await res.body.text();
  } catch (err) {
    const e = networkError(err, { url, secrets: opts.secrets, timedOut: signal.aborted, aborted: false, timeoutMs });
    throw new BackendError(`endpoint check failed: ${e.message}`, {
      code: 'E_HTTP', retryable: false, cause: err, hint: e.hint ?? 'check that the server is up and the endpoint URL is right',
    });
  }
  if (status === 401 || status === 403) {
    throw new ConfigError(`endpoint check: HTTP ${status} from ${url}: ${redact(errorBodyMessage(text), opts.secrets)}`, {
      field: 'backend.apiKeyEnv', hint: 'check the API key in the environment variable named by apiKeyEnv',
    });
  }
  const probe: ServerProbe = { endpoint: ep.url, path, status, checkedAt: new Date().toISOString() };
  if (serverHeader) probe.serverHeader = serverHeader;
  if (opts.api === 'openai' && status >= 200 && status < 300) {
    try {
      const j = JSON.parse(text) as { data?: Array<{ id?: unknown; owned_by?: unknown; max_model_len?: unknown }> };
      const data = Array.isArray(j.data) ? j.data : [];
      probe.models = data.map((m) => String(m.id)).slice(0, 50);
      const mine = data.find((m) => m.id === opts.model);
      if (typeof mine?.owned_by === 'string') probe.ownedBy = mine.owned_by;
      else if (typeof data[0]?.owned_by === 'string') probe.ownedBy = data[0].owned_by;
      if (typeof mine?.max_model_len === 'number') probe.maxModelLen = mine.max_model_len;
    } catch { /* a listing that is not JSON: reachable all the same */ }
  }
  const kind = serverKind(probe, opts.api);
  if (kind) probe.kind = kind;
  return probe;
}

/**
 * Which server answered, from `owned_by` of its model list: llama.cpp `tools/server/server.cpp` sends
 * "llamacpp", vLLM `entrypoints/openai/protocol.py` ModelCard "vllm", SGLang "sglang", vlmbench serve
 * "vlmbench". Anything else stays unknown (the raw owned_by is recorded).
 */
const OWNED_BY_KIND: Record<string, string> = { llamacpp: 'llama-server', vllm: 'vllm', sglang: 'sglang', vlmbench: 'vlmbench' };

export function serverKind(p: ServerProbe, api: 'openai' | 'triton'): string | undefined {
  if (api === 'triton') return p.status >= 200 && p.status < 300 ? 'triton' : undefined;
  return p.ownedBy ? OWNED_BY_KIND[p.ownedBy] : undefined;
}

/** Warnings from a probe the run can live with (the samples will tell); errors were thrown above. */
export function probeWarnings(p: ServerProbe, model: string, configured?: string): string[] {
  const w: string[] = [];
  // The configured kind decides which extra request fields are allowed: a mismatch is worth a line.
  if (p.kind && configured && configured !== 'openai' && p.kind !== configured) {
    w.push(`endpoint check: ${p.endpoint} looks like ${p.kind} (owned_by "${p.ownedBy}"), the config says server: ${configured}`);
  }
  if (p.status >= 500) w.push(`endpoint check: ${p.endpoint}${p.path} answered HTTP ${p.status} (server starting or unhealthy?)`);
  if (p.models && p.models.length > 0 && !p.models.includes(model)) {
    w.push(`endpoint check: ${p.endpoint} does not list model '${model}' (it serves ${p.models.slice(0, 5).join(', ')})`);
  }
  return w;
}
