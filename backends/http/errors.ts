import { BackendError } from '../../src/core/errors.ts';
import { redactSecrets } from '../../src/core/redact.ts';

/**
 * Error classification for HTTP backends. The backend never retries; it throws a typed error with
 * `retryable` set honestly (429, 5xx, resets and timeouts may succeed later; other 4xx will not) and
 * the server's Retry-After, and the scheduler decides.
 */

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Removes secrets (the API key) from any text that may end up in results, reports or logs. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets);
}

/** Pulls a human message out of an error body: OpenAI `{error:{message}}`, Triton `{error:"…"}`, or text. */
export function errorBodyMessage(body: string): string {
  const trimmed = body.trim();
  try {
    const j = JSON.parse(trimmed) as { error?: unknown; message?: unknown; detail?: unknown };
    if (typeof j.error === 'string') return j.error;
    if (j.error && typeof j.error === 'object' && typeof (j.error as { message?: unknown }).message === 'string') {
      return (j.error as { message: string }).message;
    }
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch { /* not JSON: fall through to the raw text */ }
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

export interface HttpErrorContext {
  /** Endpoint origin + path, never with credentials. */
  url: string;
  secrets: readonly string[];
}

export function httpStatusError(status: number, body: string, retryAfter: string | string[] | undefined, ctx: HttpErrorContext): BackendError {
  const msg = redact(errorBodyMessage(body), ctx.secrets);
  const text = `HTTP ${status} from ${ctx.url}${msg ? `: ${msg}` : ''}`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429) {
    return new BackendError(text, { code: 'E_RATE_LIMIT', retryable: true, retryAfterMs, hint: 'lower concurrency or wait for the rate limit' });
  }
  if (status >= 500) return new BackendError(text, { code: 'E_HTTP', retryable: true, retryAfterMs });
  if (status === 408) return new BackendError(text, { code: 'E_TIMEOUT', retryable: true, retryAfterMs });
  const hint = status === 401 || status === 403
    ? 'check the API key in the environment variable named by apiKeyEnv'
    : status === 404
      ? 'check the endpoint URL and the model name'
      : status === 400 || status === 422
        ? 'the server rejected the request body; remove fields it does not accept (extraBody)'
        : undefined;
  return new BackendError(text, { code: 'E_HTTP', retryable: false, hint });
}

/** An `error` that arrived inside a 200 stream: retryable only when it says it is a 429/5xx. */
export function streamError(payload: unknown, ctx: HttpErrorContext): BackendError {
  let message = 'error event in stream';
  let status: number | undefined;
  if (typeof payload === 'string') message = payload;
  else if (payload && typeof payload === 'object') {
    const p = payload as { message?: unknown; code?: unknown; status?: unknown; type?: unknown };
    if (typeof p.message === 'string') message = p.message;
    const code = typeof p.code === 'number' ? p.code : typeof p.status === 'number' ? p.status : Number(p.code);
    if (Number.isInteger(code) && code >= 100 && code < 600) status = code;
  }
  const retryable = status !== undefined && (status === 429 || status >= 500);
  return new BackendError(`error after HTTP 200 from ${ctx.url}: ${redact(message, ctx.secrets)}`, {
    code: status === 429 ? 'E_RATE_LIMIT' : 'E_HTTP', retryable,
  });
}

const RETRYABLE_NET_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function errCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A transport failure (no HTTP status): connection refused/reset, socket closed mid-body, undici
 * timeouts. `aborted` tells the caller's cancellation apart from our own timeout.
 */
export function networkError(err: unknown, ctx: HttpErrorContext & { timedOut: boolean; aborted: boolean; timeoutMs: number }): BackendError {
  if (err instanceof BackendError) return err;
  const code = errCode(err);
  if (ctx.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new BackendError(`no answer from ${ctx.url} within ${ctx.timeoutMs} ms`, {
      code: 'E_TIMEOUT', retryable: true, cause: err, hint: 'raise timeoutMs or lower concurrency',
    });
  }
  if (ctx.aborted) return new BackendError('request aborted', { code: 'E_ABORTED', retryable: false, cause: err });
  const raw = err instanceof Error ? err.message : String(err);
  const message = redact(`${code ? `${code}: ` : ''}${raw} (${ctx.url})`, ctx.secrets);
  const hint = code === 'ECONNREFUSED' ? 'is the server running at that address?' : undefined;
  return new BackendError(message, { code: 'E_HTTP', retryable: code !== undefined && RETRYABLE_NET_CODES.has(code), cause: err, hint });
}
