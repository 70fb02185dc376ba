import { describe, expect, it } from 'vitest';
import { errorBodyMessage, httpStatusError, networkError, parseRetryAfter, redact, streamError } from '../../../backends/http/errors.ts';
import { applyChunk, checkStreamComplete, newStreamState } from '../../../backends/http/openai.ts';

const ctx = { url: 'http://h:1/v1/chat/completions', secrets: ['sk-secret-123'] };

describe('http error classification', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('marks 429, 5xx and 408 retryable and other 4xx not', () => {
    expect(httpStatusError(429, '', '2', ctx)).toMatchObject({ code: 'E_RATE_LIMIT', retryable: true, retryAfterMs: 2000 });
    expect(httpStatusError(502, '', undefined, ctx)).toMatchObject({ code: 'E_HTTP', retryable: true });
    expect(httpStatusError(408, '', undefined, ctx)).toMatchObject({ code: 'E_TIMEOUT', retryable: true });
    for (const s of [400, 401, 403, 404, 422]) expect(httpStatusError(s, '', undefined, ctx).retryable).toBe(false);
    expect(httpStatusError(401, '', undefined, ctx).hint).toContain('apiKeyEnv');
  });

  it('takes the message from OpenAI, Triton and plain bodies and strips the API key', () => {
    expect(errorBodyMessage('{"error":{"message":"bad field foo"}}')).toBe('bad field foo');
    expect(errorBodyMessage('{"error":"triton says no"}')).toBe('triton says no');
    expect(errorBodyMessage('{"detail":"x"}')).toBe('x');
    const e = httpStatusError(401, '{"error":{"message":"invalid key sk-secret-123"}}', undefined, ctx);
    expect(e.message).toBe('HTTP 401 from http://h:1/v1/chat/completions: invalid key [redacted]');
    expect(redact('a sk-secret-123 b sk-secret-123', ctx.secrets)).toBe('a [redacted] b [redacted]');
  });

  it('classifies in-stream errors by the status they carry', () => {
    expect(streamError({ message: 'overloaded', code: 503 }, ctx)).toMatchObject({ code: 'E_HTTP', retryable: true });
    expect(streamError({ message: 'slow down', code: 429 }, ctx)).toMatchObject({ code: 'E_RATE_LIMIT', retryable: true });
    expect(streamError({ message: 'too long', code: 400 }, ctx).retryable).toBe(false);
    expect(streamError('engine failure', ctx)).toMatchObject({ retryable: false, message: expect.stringContaining('engine failure') });
  });

  it('classifies transport failures: resets retryable, our timeout E_TIMEOUT, caller abort E_ABORTED', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const base = { ...ctx, timedOut: false, aborted: false, timeoutMs: 100 };
    expect(networkError(reset, base)).toMatchObject({ code: 'E_HTTP', retryable: true });
    expect(networkError(new Error('x', { cause: { code: 'ECONNREFUSED' } }), base)).toMatchObject({ retryable: true, hint: expect.stringContaining('server running') });
    expect(networkError(new Error('aborted'), { ...base, timedOut: true })).toMatchObject({ code: 'E_TIMEOUT', retryable: true });
    expect(networkError(new Error('aborted'), { ...base, aborted: true })).toMatchObject({ code: 'E_ABORTED', retryable: false });
    expect(networkError(new TypeError('bug'), base).retryable).toBe(false);
  });

  it('treats a stream that closes without [DONE] or finish_reason as cut off (retryable)', () => {
    const st = newStreamState();
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"content":"hi"}}]}' }, 5, ctx);
    expect(() => checkStreamComplete(st, ctx)).toThrow(expect.objectContaining({ retryable: true, message: expect.stringContaining('ended before completion') }));
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{},"finish_reason":"stop"}]}' }, 6, ctx);
    expect(() => checkStreamComplete(st, ctx)).not.toThrow();
  });

  it('never lets a usage-only chunk move first- or last-token times', () => {
    const st = newStreamState();
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"role":"assistant","content":""}}]}' }, 1, ctx);
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"reasoning_content":"hmm"}}]}' }, 2, ctx);
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"content":" ok"},"finish_reason":"length"}]}' }, 3, ctx);
    applyChunk(st, { event: 'message', data: '{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}' }, 9, ctx);
    applyChunk(st, { event: 'message', data: '[DONE]' }, 10, ctx);
    expect(st).toMatchObject({ text: 'hmm ok', chunkMs: [2, 3], finishReason: 'length', done: true, usage: { completion_tokens: 2 } });
  });

  it('reads usage on the last content chunk as the total, not as that chunk\'s token count', () => {
    const st = newStreamState();
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"content":"a"}}],"usage":null}' }, 1, ctx);
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"content":" b"}}]}' }, 2, ctx);
    applyChunk(st, { event: 'message', data: '{"choices":[{"delta":{"content":" c"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}' }, 3, ctx);
    expect(st).toMatchObject({ text: 'a b c', chunkTokens: [1, 1, 1], chunkTokensFromServer: false, usage: { completion_tokens: 3 } });
  });
});
