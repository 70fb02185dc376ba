import type { RetryConfig } from '../config/schema.ts';

/** Longest server-asked wait (Retry-After) honoured when run.retry.maxRetryAfterMs is not set. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

export type RetryPolicy = Omit<RetryConfig, 'maxRetryAfterMs'> & { maxRetryAfterMs?: number };

/**
 * A Retry-After beyond the ceiling is not waited for: the sample fails now, and its error says what
 * the server asked (a server asking for minutes would otherwise stall a sample for minutes per attempt).
 */
export function retryAfterTooLong(error: { retryable: boolean; retryAfterMs?: number }, policy: RetryPolicy): boolean {
  return error.retryable && error.retryAfterMs !== undefined && error.retryAfterMs > (policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
}

/**
 * Pure retry policy: how long to wait before attempt `attempt + 1` (attempt is 1-based, the one that
 * just failed), or null to give up. Exponential backoff with multiplicative jitter; a server's
 * Retry-After wins when it asks for longer, up to maxRetryAfterMs (beyond it: give up).
 */
export function retryDelayMs(
  attempt: number,
  error: { retryable: boolean; retryAfterMs?: number },
  policy: RetryPolicy,
  random: () => number,
): number | null {
  if (!error.retryable || attempt >= policy.attempts || retryAfterTooLong(error, policy)) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp * (1 - policy.jitter + 2 * policy.jitter * random());
  const delay = Math.max(jittered, error.retryAfterMs ?? 0);
  return Math.round(Math.min(delay, Math.max(policy.maxDelayMs, error.retryAfterMs ?? 0)));
}
