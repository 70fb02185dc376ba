import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../backends/http/index.ts';
import { pickLeastOutstanding } from '../../../backends/http/transport.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { createOpenAiServer } from '../../../src/serve/server.ts';
import { createEchoBackend } from '../../serve/echo-backend.ts';
import { httpModel, quietCtx } from './model.ts';

const req = (text: string): VlmRequest => ({ sampleId: 'x', messages: [userMessage(text)], params: { maxTokens: 8, temperature: 0 } });
const gen = (b: Backend, r: VlmRequest) => b.generate(r, { signal: new AbortController().signal });

/** A fixed, valid chat-completions SSE answer ("ok"). */
function answerOk(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n');
  res.end('data: [DONE]\n\n');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

describe('endpoint balancing', () => {
  it('picks the least outstanding per weight, round-robin on ties', () => {
    expect(pickLeastOutstanding([{ outstanding: 2, weight: 1 }, { outstanding: 1, weight: 1 }], 0)).toBe(1);
    expect(pickLeastOutstanding([{ outstanding: 2, weight: 3 }, { outstanding: 1, weight: 1 }], 0)).toBe(0);
    expect(pickLeastOutstanding([{ outstanding: 0, weight: 1 }, { outstanding: 0, weight: 1 }], 1)).toBe(1);
  });

  it('spreads concurrent requests over several servers and back to zero outstanding', async () => {
    const a = createEchoBackend({ delayMs: 15, parallel: 16 });
    const b = createEchoBackend({ delayMs: 15, parallel: 16 });
    const sa = await createOpenAiServer({ backends: new Map([['echo', a]]) });
    const sb = await createOpenAiServer({ backends: new Map([['echo', b]]) });
    const even = await createBackend(httpModel({ server: 'vlmbench', endpoints: [sa.url, sb.url] }), quietCtx);
    const weighted = await createBackend(httpModel({ server: 'vlmbench', endpoints: [{ url: sa.url, weight: 3 }, { url: sb.url, weight: 1 }] }), quietCtx);
    try {
      const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => gen(even, req(`w${i} v`))));
      outs.forEach((o, i) => expect(o.text).toBe(`v w${i}`));
      expect([a.calls.length, b.calls.length]).toEqual([4, 4]);
      await Promise.all(Array.from({ length: 8 }, (_, i) => gen(weighted, req(`w${i}`))));
      expect(a.calls.length - 4).toBeGreaterThanOrEqual(5);
      expect(b.calls.length - 4).toBeGreaterThanOrEqual(2);
      // Sequential requests after the burst: nothing left counted as outstanding, so they alternate.
      const before = [a.calls.length, b.calls.length];
      await gen(even, req('p'));
      await gen(even, req('q'));
      expect([a.calls.length - before[0]!, b.calls.length - before[1]!]).toEqual([1, 1]);
    } finally {
      await even.close?.(); await weighted.close?.(); await sa.close(); await sb.close();
    }
  });
});

describe('auth header from the environment', () => {
  it('sends the bearer token from apiKeyEnv and keeps it out of errors and model info', async () => {
    const seen: Array<string | undefined> = [];
    const server = createHttpServer((rq: IncomingMessage, res) => {
      seen.push(rq.headers.authorization);
      rq.resume();
      if (rq.headers.authorization === 'Bearer sk-test-abc123') return answerOk(res);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `key ${rq.headers.authorization} rejected` } }));
    });
    const port = await listen(server);
    process.env.VLMBENCH_TEST_KEY = 'sk-test-abc123';
    process.env.VLMBENCH_WRONG_KEY = 'sk-wrong-999999';
    try {
      const good = await createBackend(httpModel({ endpoints: [`http://127.0.0.1:${port}`], apiKeyEnv: 'VLMBENCH_TEST_KEY' }), quietCtx);
      expect((await gen(good, req('x'))).text).toBe('ok');
      expect(seen[0]).toBe('Bearer sk-test-abc123');
      expect(JSON.stringify(good.info)).not.toContain('sk-test');
      await good.close?.();

      const bad = await createBackend(httpModel({ endpoints: [`http://127.0.0.1:${port}`], apiKeyEnv: 'VLMBENCH_WRONG_KEY' }), quietCtx);
      const err = await gen(bad, req('x')).catch((e: unknown) => e) as Error & { hint?: string };
      expect(err.message).toContain('HTTP 401');
      expect(err.message).toContain('[redacted]');
      expect(err.message).not.toContain('sk-wrong-999999');
      expect(err.hint).toContain('apiKeyEnv');
      await bad.close?.();

      await expect(createBackend(httpModel({ endpoints: [`http://127.0.0.1:${port}`], apiKeyEnv: 'VLMBENCH_UNSET_KEY' }), quietCtx))
        .rejects.toMatchObject({ field: 'backend.apiKeyEnv', message: expect.stringContaining('VLMBENCH_UNSET_KEY') });
      await expect(createBackend(httpModel({ endpoints: ['http://user:pw@127.0.0.1:1'] }), quietCtx)).rejects.toBeInstanceOf(ConfigError);
    } finally {
      delete process.env.VLMBENCH_TEST_KEY;
      delete process.env.VLMBENCH_WRONG_KEY;
      server.close();
    }
  });
});

describe('TLS options', () => {
  it('refuses a self-signed server by default and accepts it with tls.ca or rejectUnauthorized false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlmbench-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (rq, res) => { rq.resume(); answerOk(res); });
    const url = `https://127.0.0.1:${await listen(server)}`;
    try {
      const strict = await createBackend(httpModel({ endpoints: [url] }), quietCtx);
      const err = await gen(strict, req('x')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_HTTP', retryable: false });
      await strict.close?.();
      for (const tls of [{ ca: cert }, { rejectUnauthorized: false }]) {
        const b = await createBackend(httpModel({ endpoints: [url], tls }), quietCtx);
        expect((await gen(b, req('x'))).text).toBe('ok');
        await b.close?.();
      }
      await expect(createBackend(httpModel({ endpoints: [url], tls: { ca: join(dir, 'missing.pem') } }), quietCtx))
        .rejects.toMatchObject({ field: 'backend.tls.ca' });
    } finally {
      server.close();
    }
  });
});
