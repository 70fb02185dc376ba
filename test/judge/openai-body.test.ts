import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JudgeConfig } from '../../src/config/schema.ts';
import { createOpenAIProvider } from '../../src/judge/openai.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { await Promise.all(closers.splice(0).map((c) => c())); });

/** Answers 200 with headers and half a body, then stalls (a proxy or server that hangs mid-reply). */
async function stallingServer(): Promise<string> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"choices": ['); });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('openai judge provider: a reply body that stalls', () => {
  it('is a retryable timeout error, like a stalled connect', async () => {
    const url = await stallingServer();
    const provider = createOpenAIProvider(JudgeConfig.parse({ provider: 'openai', endpoint: url, model: 'j' }), {}, 200);
    const err = await provider.call('S', 'U').then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_TIMEOUT', retryable: true });
    expect((err as Error).message).toMatch(/timed out after 200 ms/);
  });
});
