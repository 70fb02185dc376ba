import type { RetryConfig } from '../config/schema.ts';

/**
 * Pure retry policy: how long to wait before attempt `attempt + 1` (attempt is 1-based, the one that
 * just failed), or null to give up. Exponential backoff with multiplicative jitter; a server's
 * Retry-After wins when it asks for longer.
 */
export function retryDelayMs(
  attempt: number,
  error: { retryable: boolean; retryAfterMs?: number },
  policy: RetryConfig,
  random: () => number,
): number | null {
  if (!error.retryable || attempt >= policy.attempts) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp * (1 - policy.jitter + 2 * policy.jitter * random());
  const delay = Math.max(jittered, error.retryAfterMs ?? 0);
  return Math.round(Math.min(delay, Math.max(policy.maxDelayMs, error.retryAfterMs ?? 0)));
}
