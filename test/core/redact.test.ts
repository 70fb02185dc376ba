import { describe, expect, it } from 'vitest';
import { BackendError, toErrorRecord } from '../../src/core/errors.ts';
import { redactSecrets } from '../../src/core/redact.ts';

describe('redactSecrets', () => {
  it('removes known secrets verbatim and credential-shaped text of any origin', () => {
    expect(redactSecrets('key zz-9f8e7d6c5b rejected', ['zz-9f8e7d6c5b'])).toBe('key [redacted] rejected');
    expect(redactSecrets('Incorrect API key provided: sk-proj-AbC123xyz789. See docs')).toBe('Incorrect API key provided: sk-[redacted]. See docs');
    expect(redactSecrets('sent Authorization: Bearer abc.def-123456')).toBe('sent Authorization: Bearer [redacted]');
    expect(redactSecrets('{"api_key": "hunter2hunter2"}')).toBe('{"api_key": "[redacted]"}');
    expect(redactSecrets('x-api-key=abcd1234efgh5678&model=m')).toBe('x-api-key=[redacted]&model=m');
  });

  it('leaves ordinary error text alone', () => {
    for (const text of ['HTTP 503 from http://127.0.0.1:8000/v1/chat/completions: overloaded', 'cannot decode image: task-000123.jpg truncated', 'scikit-learn, sk-learn', 'HTTP 401: Authorization: missing header']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('is applied to every error record', () => {
    const rec = toErrorRecord(new BackendError('judge endpoint answered HTTP 401: {"error":{"message":"Incorrect API key provided: sk-test-4242424242"}}', { code: 'E_JUDGE' }));
    expect(rec.message).not.toContain('4242424242');
    expect(toErrorRecord(new Error('upstream said Bearer qwertyuiop123')).message).toBe('upstream said Bearer [redacted]');
  });
});
