import { describe, expect, it } from 'vitest';
import { BackendError, ImageError } from '../../src/core/errors.ts';
import { fromBackendError } from '../../src/serve/errors.ts';

describe('fromBackendError: backend failures as OpenAI-style statuses', () => {
  it('a deterministic, request-tied failure is a 400 naming the field and the fix (clients must not retry it)', () => {
    const e = fromBackendError(new BackendError('prompt and answer exceed the context size (2100 tokens evaluated)', {
      field: 'backend.contextSize', hint: 'raise backend.contextSize or lower maxTokens',
    }));
    expect(e.status).toBe(400);
    expect(e.param).toBe('backend.contextSize');
    expect(e.message).toMatch(/exceed the context size .*raise backend\.contextSize/);
  });
  it('retryable and field-less failures stay 5xx / 429; bad images stay 400', () => {
    expect(fromBackendError(new BackendError('runtime crashed', { code: 'E_CRASH' })).status).toBe(500);
    expect(fromBackendError(new BackendError('busy', { code: 'E_RATE_LIMIT', retryable: true })).status).toBe(429);
    expect(fromBackendError(new BackendError('slow', { code: 'E_TIMEOUT', retryable: true })).status).toBe(504);
    expect(fromBackendError(new ImageError('not an image', { file: 'x.png' })).status).toBe(400);
  });
});
