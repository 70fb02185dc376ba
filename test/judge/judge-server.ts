import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real local HTTP server speaking the OpenAI chat completions API (POST /v1/chat/completions),
 * replying with whatever `reply(body, n)` returns. Records every request and the peak concurrency.
 */
export interface ChatServer {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: { model: string; messages: Array<{ role: string; content: string }>; temperature: number; max_tokens: number } }>;
  peakInFlight: number;
  close(): Promise<void>;
}

export type Reply = string | { status: number; body?: string; headers?: Record<string, string> };

export async function startChatServer(reply: (body: ChatServer['requests'][number]['body'], n: number) => Reply, delayMs = 0): Promise<ChatServer> {
  let inFlight = 0;
  const state: ChatServer = { url: '', requests: [], peakInFlight: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', async () => {
      inFlight++;
      state.peakInFlight = Math.max(state.peakInFlight, inFlight);
      const body = JSON.parse(raw);
      state.requests.push({ headers: req.headers, body });
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const r = reply(body, state.requests.length);
      inFlight--;
      if (req.url !== '/v1/chat/completions') { res.writeHead(404).end('not found'); return; }
      if (typeof r === 'string') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: r }, finish_reason: 'stop' }] }));
      } else {
        res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
        res.end(r.body ?? '{"error":"x"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
