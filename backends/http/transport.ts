import { readFileSync } from 'node:fs';
import type { Dispatcher, Pool } from 'undici';
import { ConfigError } from '../../src/core/errors.ts';

/**
 * Keep-alive connection pools, one per endpoint, and least-outstanding-requests balancing across
 * them (weighted: an endpoint with weight 2 may carry twice the in-flight requests of weight 1).
 */

export interface EndpointSpec { url: string; weight: number }

export interface TlsSpec { rejectUnauthorized: boolean; ca?: string }

export interface Endpoint {
  /** Base URL as configured (no credentials). */
  readonly url: string;
  readonly weight: number;
  /** Path prefix from the configured URL, without a trailing slash ('' for a bare origin). */
  readonly basePath: string;
  readonly pool: Pool;
  outstanding: number;
}

export interface Transport {
  readonly endpoints: readonly Endpoint[];
  /** Picks the endpoint with the fewest outstanding requests per unit weight and counts one more on it. */
  acquire(): Endpoint;
  release(ep: Endpoint): void;
  close(): Promise<void>;
}

export function normalizeEndpoints(raw: ReadonlyArray<string | { url: string; weight?: number }>): EndpointSpec[] {
  return raw.map((e) => (typeof e === 'string' ? { url: e, weight: 1 } : { url: e.url, weight: e.weight ?? 1 }));
}

/** Pure choice used by acquire(): least (outstanding + 1) / weight; ties go round-robin from `start`. */
export function pickLeastOutstanding(eps: ReadonlyArray<{ outstanding: number; weight: number }>, start: number): number {
  let best = -1;
  let bestLoad = Infinity;
  for (let k = 0; k < eps.length; k++) {
    const i = (start + k) % eps.length;
    const ep = eps[i]!;
    const load = (ep.outstanding + 1) / ep.weight;
    if (load < bestLoad) { bestLoad = load; best = i; }
  }
  return best;
}

export async function createTransport(opts: {
  endpoints: EndpointSpec[];
  maxConnections: number;
  tls?: TlsSpec;
  /** Config file path for error messages. */
  file?: string;
}): Promise<Transport> {
  const { Pool } = await import('undici');
  let ca: string | undefined;
  if (opts.tls?.ca) {
    try {
      ca = readFileSync(opts.tls.ca, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read the TLS CA file ${opts.tls.ca}`, {
        file: opts.file, field: 'backend.tls.ca', cause: err, hint: 'point tls.ca at a PEM file',
      });
    }
  }
  const endpoints: Endpoint[] = opts.endpoints.map((spec, i) => {
    const u = new URL(spec.url);
    if (u.username || u.password) {
      throw new ConfigError('endpoint URLs must not carry credentials', {
        file: opts.file, field: `backend.endpoints[${i}]`, hint: 'put the token in an environment variable and name it in apiKeyEnv',
      });
    }
    const connect = u.protocol === 'https:' ? { rejectUnauthorized: opts.tls?.rejectUnauthorized ?? true, ...(ca ? { ca } : {}) } : undefined;
    const pool = new Pool(u.origin, {
      connections: opts.maxConnections,
      pipelining: 1,
      // uvicorn (vLLM, trtllm-serve) and llama-server close idle connections after 5 s: stay under it so a
      // request never goes out on a socket the server is closing.
      keepAliveTimeout: 4_000,
      // Per-request timeouts are ours (AbortSignal); undici's defaults (300 s) must not cut in first.
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(connect ? { connect } : {}),
    });
    return { url: spec.url, weight: spec.weight, basePath: u.pathname.replace(/\/+$/, ''), pool, outstanding: 0 };
  });
  let rr = 0;
  return {
    endpoints,
    acquire() {
      const i = pickLeastOutstanding(endpoints, rr);
      rr = (rr + 1) % endpoints.length;
      const ep = endpoints[i]!;
      ep.outstanding++;
      return ep;
    },
    release(ep) {
      ep.outstanding--;
    },
    async close() {
      // Graceful first; a stream that never ends must not hang the run's shutdown.
      await Promise.all(endpoints.map(async (e) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), 2_000); });
        const r = await Promise.race([e.pool.close().then(() => 'closed' as const, () => 'late' as const), late]);
        clearTimeout(timer);
        if (r === 'late') await e.pool.destroy().catch(() => {});
      }));
    },
  };
}

export type ResponseData = Dispatcher.ResponseData;
