import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP proxy (own TCP listener, own upstream connections) in front of a real server, that
 * injects one scripted fault per incoming request: error statuses, connection resets, a slow first
 * byte, a disconnect mid-stream, or an error event after a 200. Requests beyond the plan pass through.
 */
export type Fault =
  | { kind: 'pass' }
  /** Answer with this status and an OpenAI-style error body; the upstream never sees the request. */
  | { kind: 'status'; status: number; retryAfterS?: number }
  /** Reset the client's TCP connection (RST) before any response byte. */
  | { kind: 'reset' }
  /** Forward, but hold the response head for delayMs. */
  | { kind: 'slowFirstByte'; delayMs: number }
  /** Forward the head and `afterEvents` complete SSE events, then cut the connection. */
  | { kind: 'dropMidStream'; afterEvents: number }
  /** Forward the head and `afterEvents` events, then send `data: {"error": …}` and end cleanly. */
  | { kind: 'errorAfter200'; afterEvents: number; error: unknown }
  /**
   * Answer 200 with `count` SSE chunks whose `choices` is empty, then `data: [DONE]` (upstream unused);
   * `stream: false` answers one JSON body with `choices: []`.
   */
  | { kind: 'emptyChoices'; count: number; stream?: boolean }
  /**
   * A server ignoring max_tokens: 200 and text chunks of `chunkBytes` until `totalBytes` were sent or
   * the client goes away (upstream unused); `stream: false` sends one JSON body that large.
   */
  | { kind: 'flood'; chunkBytes: number; totalBytes: number; stream?: boolean };

export interface FaultProxy {
  url: string;
  /** Faults for the next requests, in arrival order. */
  plan(faults: Fault[]): void;
  /** Fault kind applied to each request so far, in arrival order. */
  readonly log: string[];
  /** Bytes written by `flood` faults so far. */
  readonly floodedBytes: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade'];

function forwardHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.includes(k)) out[k] = v;
  return out;
}

export async function startFaultProxy(upstream: string, faults: Fault[] = []): Promise<FaultProxy> {
  const queue = [...faults];
  const log: string[] = [];
  const target = new URL(upstream);

  function forward(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
    const up = httpRequest({
      host: target.hostname, port: target.port, path: req.url, method: req.method,
      headers: { ...forwardHeaders(req.headers), host: target.host },
    });
    req.pipe(up);
    // The client gone (timeout, reset by us) ends the upstream exchange too.
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    up.on('error', () => res.destroy());
    up.on('response', (ur) => {
      ur.on('error', () => res.destroy());
      const start = () => {
        if (res.destroyed) { ur.destroy(); return; }
        res.writeHead(ur.statusCode ?? 502, forwardHeaders(ur.headers));
        if (fault.kind !== 'dropMidStream' && fault.kind !== 'errorAfter200') { ur.pipe(res); return; }
        let seen = '';
        let events = 0;
        ur.setEncoding('utf8');
        ur.on('data', (chunk: string) => {
          if (res.destroyed || res.writableEnded) return;
          for (const ch of chunk) {
            seen += ch;
            if (seen.endsWith('\n\n')) {
              res.write(seen);
              seen = '';
              events++;
              if (events >= fault.afterEvents) {
                ur.destroy();
                if (fault.kind === 'dropMidStream') res.socket?.destroy();
                else res.end(`data: ${JSON.stringify({ error: fault.error })}\n\n`);
                return;
              }
            }
          }
        });
        ur.on('end', () => { if (!res.writableEnded) res.end(seen); });
      };
      if (fault.kind === 'slowFirstByte') setTimeout(start, fault.delayMs);
      else start();
    });
  }

  /** Bytes the flood fault managed to write before the client stopped reading. */
  let flooded = 0;
  const server = createServer((req, res) => {
    const fault: Fault = queue.shift() ?? { kind: 'pass' };
    log.push(fault.kind === 'status' ? `status ${fault.status}` : fault.kind);
    if (fault.kind === 'emptyChoices') {
      req.resume();
      req.on('end', () => {
        if (fault.stream === false) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 0 } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (let i = 0; i < fault.count; i++) res.write(`data: ${JSON.stringify({ id: `c${i}`, object: 'chat.completion.chunk', created: 0, model: 'm', choices: [] })}\n\n`);
        res.end('data: [DONE]\n\n');
      });
      return;
    }
    if (fault.kind === 'flood') {
      req.resume();
      req.on('end', () => {
        const text = 'x'.repeat(Math.max(1, fault.chunkBytes - 120));
        if (fault.stream === false) {
          res.writeHead(200, { 'content-type': 'application/json' });
          const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'x'.repeat(fault.totalBytes) }, finish_reason: 'length' }] });
          flooded += body.length;
          res.end(body);
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
        let sent = 0;
        const pump = (): void => {
          while (sent < fault.totalBytes && !res.destroyed) {
            sent += chunk.length;
            flooded += chunk.length;
            if (!res.write(chunk)) { res.once('drain', pump); return; }
          }
          if (!res.destroyed) res.end('data: [DONE]\n\n');
        };
        res.on('close', () => { sent = Infinity; });
        pump();
      });
      return;
    }
    if (fault.kind === 'reset') {
      req.resume();
      req.socket.resetAndDestroy();
      return;
    }
    if (fault.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'fault', param: null, code: null } }));
      });
      return;
    }
    forward(req, res, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    plan(f) { queue.push(...f); },
    log,
    get floodedBytes() { return flooded; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
