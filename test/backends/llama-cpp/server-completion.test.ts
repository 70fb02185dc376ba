import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runServerCompletion, type ServerCompletionInput } from '../../../backends/llama-cpp/server-completion.ts';

/**
 * The HTTP side of the llama-server route against a minimal server answering as llama-server's
 * POST /completion does (final event fields from tools/server/README.md): which connection each request
 * uses, and the one safe retry. Token-for-token behaviour is tested against the real llama-server in
 * server.test.ts / server-lifecycle.test.ts.
 */
const FINAL = { content: 'hi there', stop: true, stop_type: 'limit', tokens_predicted: 2, tokens_evaluated: 7, timings: { prompt_n: 7, prompt_ms: 3, prompt_per_second: 2333, predicted_n: 2, predicted_ms: 4, predicted_per_second: 500 } };

interface Seen { connection: string | undefined; socket: number }
let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => { server?.closeAllConnections(); server ? server.close(() => r()) : r(); server = undefined; }));

/** `dropFirst`: the first request's socket is closed before any answer (a connection the server had just closed). */
async function standIn(opts: { dropFirst?: number } = {}): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Map<object, number>();
  let drop = opts.dropFirst ?? 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      seen.push({ connection: req.headers.connection, socket: sockets.get(req.socket)! });
      if (drop > 0) { drop--; req.socket.destroy(); return; }
      const stream = (JSON.parse(body) as { stream: boolean }).stream;
      if (!stream) { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(FINAL)); return; }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ content: 'hi', stop: false, tokens: [5] })}\n\n`);
      res.write(`data: ${JSON.stringify({ content: ' there', stop: false, tokens: [6] })}\n\n`);
      res.end(`data: ${JSON.stringify({ ...FINAL, content: '' })}\n\n`);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const input = (stream: boolean): ServerCompletionInput => ({ prompt: 'USER: hi ASSISTANT:', images: [], params: { maxTokens: 2, temperature: 0 }, familyStop: ['</s>'], seed: 0, stream });
const signal = () => ({ signal: new AbortController().signal });

describe('llama-server route over HTTP', () => {
  it('streamed requests close their connection after the answer (llama-server does, unannounced); one-piece answers keep it alive', async () => {
    const { url, seen } = await standIn();
    for (let i = 0; i < 3; i++) expect((await runServerCompletion(url, input(true), signal())).output.text).toBe('hi there');
    for (let i = 0; i < 3; i++) expect((await runServerCompletion(url, input(false), signal())).output.text).toBe('hi there');
    expect(seen.slice(0, 3).map((s) => s.connection)).toEqual(['close', 'close', 'close']);
    expect(new Set(seen.slice(0, 3).map((s) => s.socket)).size).toBe(3);
    expect(seen.slice(3).map((s) => s.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it('sends a request again once when its socket closed before any answer, and only once', async () => {
    const once = await standIn({ dropFirst: 1 });
    const out = await runServerCompletion(once.url, input(false), signal());
    expect(out.output).toMatchObject({ text: 'hi there', usage: { promptTokens: 7, completionTokens: 2 } });
    expect(once.seen).toHaveLength(2);
    await new Promise<void>((r) => { server!.closeAllConnections(); server!.close(() => r()); server = undefined; });

    const twice = await standIn({ dropFirst: 2 });
    await expect(runServerCompletion(twice.url, input(true), signal())).rejects.toMatchObject({ code: 'E_HTTP', retryable: true });
    expect(twice.seen).toHaveLength(2);
  });

  it('a one-piece answer has one chunk at the end and no TTFT; a streamed one has a chunk per piece', async () => {
    const { url } = await standIn();
    const one = (await runServerCompletion(url, input(false), signal())).output;
    expect(one.timings.firstTokenMs).toBeUndefined();
    expect(one.timings.chunkTokens).toEqual([2]);
    expect(one.timings.chunkMs).toEqual([one.timings.endMs]);
    const streamed = (await runServerCompletion(url, input(true), signal())).output;
    expect(streamed.timings.chunkTokens).toEqual([1, 1]);
    expect(streamed.timings.firstTokenMs).toBe(streamed.timings.chunkMs[0]);
    expect(streamed.timings.prefillMs).toBe(3);
  });
});
