import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend as createHttpBackend } from '../../backends/http/index.ts';
import { createSseParser } from '../../backends/http/sse.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import { BackendError, UsageError } from '../../src/core/errors.ts';
import { userMessage } from '../../src/core/request.ts';
import { createOpenAiServer, type OpenAiServer } from '../../src/serve/server.ts';
import { createEchoBackend, type EchoBackend } from './echo-backend.ts';

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const dataUrl = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;

let server: OpenAiServer;
let echo: EchoBackend;
let slow: EchoBackend;

beforeAll(async () => {
  echo = createEchoBackend({ id: 'echo' });
  slow = createEchoBackend({ id: 'slow', delayMs: 20 });
  server = await createOpenAiServer({
    backends: new Map([['echo', echo], ['slow', slow]]),
    maxBodyBytes: 64 * 1024,
    maxImageBytes: 1024,
  });
});
afterAll(() => server.close());

const post = (body: unknown, raw?: string) => fetch(`${server.url}/v1/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body),
});

function sseEvents(text: string): string[] {
  const out: string[] = [];
  const p = createSseParser((e) => out.push(e.data));
  p.feed(text);
  p.end();
  return out;
}

describe('createOpenAiServer', () => {
  it('binds to 127.0.0.1 by default and answers /health and /v1/models', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
    const models = await (await fetch(`${server.url}/v1/models`)).json() as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['echo', 'slow']);
  });

  it('answers a non-streamed chat completion with usage', async () => {
    const res = await post({ model: 'echo', messages: [{ role: 'user', content: 'one two three' }], max_tokens: 10 });
    expect(res.status).toBe(200);
    const j = await res.json() as any;
    expect(j.object).toBe('chat.completion');
    expect(j.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'three two one' }, finish_reason: 'stop' });
    expect(j.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  });

  it('streams a role chunk, content chunks, a finish chunk, a usage chunk, then [DONE]', async () => {
    const res = await post({
      model: 'echo', stream: true, stream_options: { include_usage: true }, max_tokens: 2,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a b c' }] }],
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 3).map((c) => c.choices[0].delta.content)).toEqual(['c', ' b']);
    expect(chunks[3].choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'length' });
    expect(chunks[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } });
    expect(chunks).toHaveLength(5);
  });

  it('passes data-URL images to the backend as bytes', async () => {
    const res = await post({
      model: 'echo', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl(PNG) } }, { type: 'text', text: 'what' }] }],
    });
    const j = await res.json() as any;
    expect(j.choices[0].message.content).toMatch(/^what img:[0-9a-f]{8}$/);
    const img = echo.calls.at(-1)!.messages[0]!.content[0]!;
    expect(img.type === 'image' && img.image.kind === 'buffer' && Buffer.from(img.image.data).equals(PNG)).toBe(true);
  });

  it('answers malformed JSON with 400 and an OpenAI error body', async () => {
    const res = await post(undefined, '{"model": "echo", ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'request body is not valid JSON', type: 'invalid_request_error', param: null, code: 'invalid_json' } });
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const res = await post({ model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(404);
    const j = await res.json() as any;
    expect(j.error).toMatchObject({ param: 'model', code: 'model_not_found' });
    expect(j.error.message).toContain("'nope'");
  });

  it('answers invalid fields with 400 naming the param', async () => {
    const res = await post({ model: 'echo', messages: [{ role: 'robot', content: 'x' }] });
    expect(res.status).toBe(400);
    expect((await res.json() as any).error.param).toBe('messages[0].role');
    const remote = await post({ model: 'echo', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/a.png' } }] }] });
    expect(remote.status).toBe(400);
    expect((await remote.json() as any).error.code).toBe('unsupported_image_url');
  });

  it('answers an oversized image with 413 naming the part', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(2000)]);
    const res = await post({ model: 'echo', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: dataUrl(big) } }] }] });
    expect(res.status).toBe(413);
    expect((await res.json() as any).error).toMatchObject({ code: 'image_too_large', param: 'messages[0].content[1].image_url' });
  });

  it('answers an oversized body with 413', async () => {
    const res = await post({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    expect(res.status).toBe(413);
    expect((await res.json() as any).error.code).toBe('request_too_large');
  });

  it('reports a backend failure as 500 (non-streamed) or an error event (streamed)', async () => {
    const failing = createEchoBackend({ id: 'bad' });
    failing.generate = async () => { throw new Error('engine exploded'); };
    const s = await createOpenAiServer({ backends: new Map([['bad', failing]]) });
    try {
      const r1 = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'bad', messages: [{ role: 'user', content: 'x' }] }) });
      expect(r1.status).toBe(500);
      expect((await r1.json() as any).error).toMatchObject({ message: 'engine exploded', type: 'server_error' });
      const r2 = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'bad', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
      expect(r2.status).toBe(200);
      const events = sseEvents(await r2.text()).map((e) => JSON.parse(e));
      expect(events.at(-1).error.message).toBe('engine exploded');
    } finally {
      await s.close();
    }
  });

  it('aborts the generation when the client disconnects mid-stream', async () => {
    const before = slow.aborted;
    const body = JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'w '.repeat(50) }], max_tokens: 50 });
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      let got = '';
      sock.on('data', (d) => {
        got += d.toString();
        if (got.includes('"content":"w"')) { sock.destroy(); resolve(); }
      });
      sock.on('error', reject);
    });
    await expect.poll(() => slow.aborted, { timeout: 2000 }).toBe(before + 1);
    expect(slow.active).toBe(0);
  });

  it('keeps the status of a mid-stream backend failure in the error event, so clients can retry 429/5xx', async () => {
    const flaky = createEchoBackend({ id: 'flaky' });
    flaky.generate = async (_r, g) => {
      g.onToken?.({ text: 'partial', tokens: 1, atMs: 1 });
      throw new BackendError('engine overloaded', { code: 'E_RATE_LIMIT', retryable: true });
    };
    const s = await createOpenAiServer({ backends: new Map([['flaky', flaky]]) });
    const client = await createHttpBackend(ModelConfig.parse({
      id: 'c', family: 'llava-1.5', backend: { type: 'http', server: 'vlmbench', model: 'flaky', endpoints: [s.url] },
    }), { log: () => {} });
    try {
      const raw = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'flaky', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
      // vLLM's shape: the numeric status the request would have got before streaming started.
      expect(sseEvents(await raw.text()).map((e) => JSON.parse(e)).at(-1).error).toMatchObject({ message: 'engine overloaded', code: 429 });
      const err = await client.generate({ sampleId: 'x', messages: [userMessage('x')], params: { maxTokens: 4, temperature: 0 } },
        { signal: new AbortController().signal }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_RATE_LIMIT', retryable: true });
    } finally {
      await client.close?.();
      await s.close();
    }
  });

  it('refuses a port already in use with a usage error naming the address and what to do', async () => {
    const port = Number(new URL(server.url).port);
    const err = await createOpenAiServer({ backends: new Map([['echo', echo]]), port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toMatchObject({ field: 'port', message: expect.stringContaining(`127.0.0.1:${port}`), hint: expect.stringContaining('--port') });
  });
});
