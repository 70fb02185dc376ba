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
  | { kind: 'errorAfter200'; afterEvents: number; error: unknown };

export interface FaultProxy {
  url: string;
  /** Faults for the next requests, in arrival order. */
  plan(faults: Fault[]): void;
  /** Fault kind applied to each request so far, in arrival order. */
  readonly log: string[];
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

  const server = createServer((req, res) => {
    const fault: Fault = queue.shift() ?? { kind: 'pass' };
    log.push(fault.kind === 'status' ? `status ${fault.status}` : fault.kind);
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
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
