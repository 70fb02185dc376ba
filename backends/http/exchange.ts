import { now } from '../../src/core/backend.ts';
import { BackendError } from '../../src/core/errors.ts';
import { httpStatusError, networkError, type HttpErrorContext } from './errors.ts';
import { createSseParser, type SseEvent } from './sse.ts';
import type { Endpoint, Transport } from './transport.ts';

/**
 * One HTTP exchange with timing: the clock starts right before the request is handed to the socket
 * pool, every network chunk is stamped on arrival (before parsing), and failures become typed errors.
 */

export interface ExchangeContext {
  transport: Transport;
  /** Static headers (content-type, authorization). */
  headers: Record<string, string>;
  timeoutMs: number;
  secrets: readonly string[];
}

export interface Clock {
  /** performance.now() at send. */
  t0: number;
  /** Epoch ms at send, for the journal. */
  startedAt: number;
}

function joinPath(ep: Endpoint, path: string): string {
  return `${ep.basePath}${path}`;
}

async function send(ctx: ExchangeContext, path: string, body: string | Buffer, signal: AbortSignal,
  consume: (res: Awaited<ReturnType<Endpoint['pool']['request']>>, clock: Clock, errCtx: HttpErrorContext) => Promise<void>,
  headers: Record<string, string> = ctx.headers): Promise<Clock> {
  const ep = ctx.transport.acquire();
  const p = joinPath(ep, path);
  const errCtx: HttpErrorContext = { url: `${ep.url.replace(/\/+$/, '')}${path}`, secrets: ctx.secrets };
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const clock: Clock = { t0: now(), startedAt: Date.now() };
  try {
    if (combined.aborted) throw combined.reason;
    const res = await ep.pool.request({ path: p, method: 'POST', headers, body, signal: combined });
    await consume(res, clock, errCtx);
    return clock;
  } catch (err) {
    throw networkError(err, { ...errCtx, timedOut: timeout.aborted && !signal.aborted, aborted: signal.aborted, timeoutMs: ctx.timeoutMs });
  } finally {
    ctx.transport.release(ep);
  }
}

async function failOnStatus(res: Awaited<ReturnType<Endpoint['pool']['request']>>, errCtx: HttpErrorContext): Promise<void> {
  if (res.statusCode >= 200 && res.statusCode < 300) return;
  const text = await res.body.text().catch(() => '');
  throw httpStatusError(res.statusCode, text, res.headers['retry-after'], errCtx);
}

/**
 * A server that ignores max_tokens must not fill memory and samples.jsonl: reading stops beyond
 * `maxBytes` with a non-retryable error (the same request would run away again).
 */
export function responseTooLarge(maxBytes: number, errCtx: HttpErrorContext): BackendError {
  return new BackendError(`response from ${errCtx.url} exceeded ${maxBytes} bytes; reading stopped (the server seems to ignore max_tokens)`, {
    code: 'E_HTTP', retryable: false, field: 'backend.responseLimitFactor',
    hint: 'check the server honours max_tokens; raise backend.responseLimitFactor if answers are legitimately longer',
  });
}

/** POST and read an SSE response; `onEvent` gets each event with its chunk's arrival time (ms since send). */
export async function postSse(ctx: ExchangeContext, path: string, body: string, signal: AbortSignal,
  onEvent: (e: SseEvent, atMs: number, errCtx: HttpErrorContext) => void, maxBytes = Infinity): Promise<Clock & { closeMs: number; url: string }> {
  let closeMs = 0;
  let url = '';
  const clock = await send(ctx, path, body, signal, async (res, c, errCtx) => {
    await failOnStatus(res, errCtx);
    const ctype = String(res.headers['content-type'] ?? '');
    if (!ctype.includes('text/event-stream')) {
      const text = await res.body.text();
      throw new BackendError(`expected an event stream from ${errCtx.url}, got '${ctype || 'no content-type'}': ${text.slice(0, 200)}`, { code: 'E_PARSE' });
    }
    const decoder = new TextDecoder();
    let at = 0;
    url = errCtx.url;
    const parser = createSseParser((e) => onEvent(e, at, errCtx));
    let bytes = 0;
    for await (const chunk of res.body) {
      at = now() - c.t0;
      bytes += (chunk as Uint8Array).byteLength;
      if (bytes > maxBytes) throw responseTooLarge(maxBytes, errCtx);
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    }
    parser.feed(decoder.decode());
    parser.end();
    closeMs = now() - c.t0;
  });
  return { ...clock, closeMs, url };
}

/** POST and read one JSON body (at most `maxBytes`). */
export async function postJson(ctx: ExchangeContext, path: string, body: string, signal: AbortSignal, maxBytes = Infinity): Promise<Clock & { json: unknown; endMs: number; url: string }> {
  let json: unknown;
  let endMs = 0;
  let url = '';
  const clock = await send(ctx, path, body, signal, async (res, c, errCtx) => {
    await failOnStatus(res, errCtx);
    url = errCtx.url;
    const parts: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).byteLength;
      if (bytes > maxBytes) throw responseTooLarge(maxBytes, errCtx);
      parts.push(chunk as Buffer);
    }
    const text = Buffer.concat(parts).toString('utf8');
    endMs = now() - c.t0;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new BackendError(`unparseable JSON from ${errCtx.url}: ${text.slice(0, 200)}`, { code: 'E_PARSE', cause: err });
    }
  });
  return { ...clock, json, endMs, url };
}

/**
 * POST a body with its own content headers (KServe v2 /infer with binary tensors) and read the whole
 * answer as bytes; `headerLength` is the response's Inference-Header-Content-Length, when set.
 */
export async function postBytes(ctx: ExchangeContext, path: string, body: Buffer, contentHeaders: Record<string, string>, signal: AbortSignal): Promise<Clock & { bytes: Buffer; headerLength?: number; endMs: number; url: string }> {
  let bytes = Buffer.alloc(0);
  let headerLength: number | undefined;
  let endMs = 0;
  let url = '';
  const headers = { ...ctx.headers, ...contentHeaders, accept: 'application/json' };
  const clock = await send(ctx, path, body, signal, async (res, c, errCtx) => {
    await failOnStatus(res, errCtx);
    url = errCtx.url;
    bytes = Buffer.from(await res.body.arrayBuffer());
    endMs = now() - c.t0;
    const h = res.headers['inference-header-content-length'];
    if (h !== undefined) headerLength = Number(Array.isArray(h) ? h[0] : h);
  }, headers);
  return { ...clock, bytes, headerLength, endMs, url };
}
