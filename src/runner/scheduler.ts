import pLimit from 'p-limit';
import { BackendError, toErrorRecord, type ErrorRecord } from '../core/errors.ts';
import { now, type Backend } from '../core/backend.ts';
import type { VlmRequest } from '../core/request.ts';
import type { TokenEvent, VlmResult } from '../core/response.ts';
import { DEFAULT_MAX_RETRY_AFTER_MS, retryAfterTooLong, retryDelayMs, type RetryPolicy } from './retry-policy.ts';

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export interface SchedulerOptions {
  concurrency: number;
  retry: RetryPolicy;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Aborting it cancels queued and in-flight requests. */
  signal?: AbortSignal;
  random?: () => number;
}

export interface SubmitOptions {
  onToken?: (e: TokenEvent) => void;
  signal?: AbortSignal;
  /** Checked when the request reaches the front of the queue; false → not started (E_ABORTED, 0 attempts). */
  shouldStart?: () => boolean;
}

export interface Scheduler {
  /** Never rejects: failures come back as `{ ok: false, error, attempts }`. */
  submit(backend: Backend, req: VlmRequest, opts?: SubmitOptions): Promise<VlmResult>;
  readonly inFlight: number;
  readonly pending: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The one place where concurrency, retries and timeouts live; backends only do I/O. */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  const limit = pLimit(opts.concurrency);
  const random = opts.random ?? Math.random;
  let inFlight = 0;

  async function attemptOnce(backend: Backend, req: VlmRequest, signal: AbortSignal | undefined, onToken?: (e: TokenEvent) => void) {
    // One controller + one timer per attempt; AbortSignal.any/timeout cost more on the hot path.
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ctrl.abort(); }, opts.timeoutMs);
    const onAbort = () => ctrl.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await backend.generate(req, { signal: ctrl.signal, onToken });
    } catch (err) {
      if (timedOut) {
        throw new BackendError(`no answer within ${opts.timeoutMs} ms`, {
          code: 'E_TIMEOUT', retryable: true, cause: err, hint: 'raise run.timeoutMs or lower concurrency',
        });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function run(backend: Backend, req: VlmRequest, queuedAt: number, sub: SubmitOptions): Promise<VlmResult> {
    const signals = [opts.signal, sub.signal].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const queueMs = now() - queuedAt;
    if (sub.shouldStart && !sub.shouldStart()) {
      return { ok: false, error: { code: 'E_ABORTED', message: 'not started: run stopping', retryable: false }, attempts: 0 };
    }
    let lastError: ErrorRecord & { retryAfterMs?: number } = { code: 'E_ABORTED', message: 'aborted before start', retryable: false };
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return { ok: false, error: { code: 'E_ABORTED', message: 'run interrupted', retryable: false }, attempts: attempt - 1 };
      inFlight++;
      try {
        const out = await attemptOnce(backend, req, signal, sub.onToken);
        return { ok: true, ...out, timings: { ...out.timings, queueMs } };
      } catch (err) {
        lastError = { ...toErrorRecord(err), retryAfterMs: (err as { retryAfterMs?: number }).retryAfterMs };
        if (signal?.aborted) lastError = { code: 'E_ABORTED', message: 'run interrupted', retryable: false };
      } finally {
        inFlight--;
      }
      const delay = retryDelayMs(attempt, lastError, opts.retry, random);
      if (delay === null) {
        const { retryAfterMs, ...error } = lastError;
        if (attempt < opts.retry.attempts && retryAfterTooLong(lastError, opts.retry)) {
          const ceiling = opts.retry.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
          error.message = `${error.message} (the server asked to retry after ${seconds(retryAfterMs!)}, more than run.retry.maxRetryAfterMs = ${seconds(ceiling)}: not retried)`;
          error.hint ??= 'raise run.retry.maxRetryAfterMs to wait that long, or lower concurrency';
        }
        return { ok: false, error, attempts: attempt };
      }
      if (signal) await sleep(delay, signal);
      else await new Promise((r) => setTimeout(r, delay));
    }
  }

  return {
    submit(backend, req, sub = {}) {
      const queuedAt = now();
      return limit(() => run(backend, req, queuedAt, sub));
    },
    get inFlight() { return inFlight; },
    get pending() { return limit.pendingCount; },
  };
}
