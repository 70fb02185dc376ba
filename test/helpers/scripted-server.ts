import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VirtualClock } from './virtual-clock.ts';

/**
 * A scripted-delay OpenAI-compatible chat server for timing tests: POST /v1/chat/completions answers
 * on a fixed timeline, so a client's measured TTFT / TPOT / E2E can be checked against the script.
 * This is a test stand-in for a model server's *timing behaviour*, not for any model: it produces
 * the words `t0 t1 …`, one word per token.
 *
 * Timeline, measured from the moment the request arrives: chunk j (0-based) is written at
 * firstTokenMs + j · intervalMs and carries `tokensPerChunk` tokens (the last one may carry fewer).
 * Chunks are scheduled against absolute target times so timer lateness never accumulates.
 */
export interface Script {
  /** First token chunk after this many ms. */
  firstTokenMs: number;
  /** Then one chunk every this many ms. */
  intervalMs: number;
  /** Generated tokens in total (N). */
  tokens: number;
  /** Tokens per chunk (k), default 1: server-side buffering / speculative decoding. */
  tokensPerChunk?: number;
  /** Send `delta: {role: 'assistant'}` at once (OpenAI / vLLM style role-only first chunk). */
  roleChunk?: boolean;
  /** Send `delta: {content: ''}` at once (servers that open with an empty content chunk). */
  emptyFirstChunk?: boolean;
  /** Final `choices: []` + usage chunk: 'auto' (when stream_options.include_usage, default), or always/never. */
  usage?: 'auto' | boolean;
  /** vLLM `continuous_usage_stats`: running usage on every content chunk. */
  continuousUsage?: boolean;
  /** Prompt tokens reported in usage (default 100). */
  promptTokens?: number;
  /** llama-server style `timings` object on the last chunk. */
  serverTimings?: boolean;
  finishReason?: 'stop' | 'length';
  /** Answer with this HTTP status and an OpenAI error body instead (e.g. 429, 503, 400). */
  status?: number;
  /** Retry-After header (seconds) with `status`. */
  retryAfterS?: number;
}

export interface ScriptedRequest {
  /** 0-based order of arrival. */
  index: number;
  body: Record<string, unknown>;
  /** performance.now() when the request arrived (same clock as an in-process client). */
  arrivedAt: number;
  /** When each content chunk was actually written, ms after arrival: what really went on the wire. */
  writesMs: number[];
}

export interface ScriptedServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 (append /v1 for OpenAI clients). */
  url: string;
  /** Bodies received so far, in arrival order. */
  requests: ScriptedRequest[];
  /** Requests currently being answered (holding a slot). */
  readonly inFlight: number;
  /** Highest number answered at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/**
 * Timers fire ~1 ms late; for the last 2 ms poll with setImmediate, which yields to I/O (the client
 * may share this process) yet hits the target within a fraction of a millisecond.
 */
const sleepUntil = (target: number): Promise<void> => new Promise((resolve) => {
  const tick = () => {
    const left = target - performance.now();
    if (left <= 0) resolve();
    else if (left > 2) setTimeout(tick, left - 2);
    else setImmediate(tick);
  };
  tick();
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { s += c; });
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

const word = (i: number) => `t${i} `;

function chunkPlan(s: Script): number[] {
  const k = Math.max(1, s.tokensPerChunk ?? 1);
  const plan: number[] = [];
  for (let left = s.tokens; left > 0; left -= k) plan.push(Math.min(k, left));
  return plan;
}

function serverTimings(s: Script, promptTokens: number) {
  const predictedMs = s.firstTokenMs + Math.max(0, chunkPlan(s).length - 1) * s.intervalMs;
  return {
    prompt_n: promptTokens, prompt_ms: s.firstTokenMs, prompt_per_second: (promptTokens / s.firstTokenMs) * 1000,
    predicted_n: s.tokens, predicted_ms: predictedMs, predicted_per_second: (s.tokens / predictedMs) * 1000,
  };
}

/** How the server waits and stamps: real time, or a virtual clock in lock-step with the client. */
interface Pacer {
  now(): number;
  /** Wait until `target`; with a virtual clock, first until the client has read the last write. */
  until(target: number): Promise<void>;
  /** Called right after each write. */
  wrote(): void;
}

function realPacer(): Pacer {
  return { now: () => performance.now(), until: sleepUntil, wrote: () => {} };
}

function virtualPacer(clock: VirtualClock): Pacer {
  let read: Promise<void> | undefined;
  return {
    now: () => clock.peek(),
    async until(target) {
      if (read) await read;
      read = undefined;
      clock.advanceTo(target);
    },
    wrote() { read = clock.nextRead(); },
  };
}

async function answer(res: ServerResponse, s: Script, entry: ScriptedRequest, start: number, pace: Pacer): Promise<void> {
  const { body } = entry;
  const arrived = start;
  const model = typeof body.model === 'string' ? body.model : 'scripted';
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const promptTokens = s.promptTokens ?? 100;
  const plan = chunkPlan(s);
  const finish = s.finishReason ?? 'length';
  const usageOf = (n: number) => ({ prompt_tokens: promptTokens, completion_tokens: n, total_tokens: promptTokens + n });

  if (s.status !== undefined) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (s.retryAfterS !== undefined) headers['retry-after'] = String(s.retryAfterS);
    res.writeHead(s.status, headers);
    res.end(JSON.stringify({ error: { message: `scripted status ${s.status}`, type: 'scripted', code: s.status } }));
    return;
  }

  if (body.stream !== true) {
    await pace.until(arrived + s.firstTokenMs + (plan.length - 1) * s.intervalMs);
    const text = Array.from({ length: s.tokens }, (_, i) => word(i)).join('');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id, object: 'chat.completion', model, created: Math.floor(Date.now() / 1000),
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }],
      usage: usageOf(s.tokens), ...(s.serverTimings ? { timings: serverTimings(s, promptTokens) } : {}),
    }));
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (obj: unknown) => { res.write(`data: ${JSON.stringify(obj)}\n\n`); pace.wrote(); };
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, finishReason: string | null = null) => send({
    id, object: 'chat.completion.chunk', model, created: Math.floor(Date.now() / 1000),
    choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra,
  });
  if (s.roleChunk) chunk({ role: 'assistant' });
  if (s.emptyFirstChunk) chunk({ content: '' });

  let sent = 0;
  for (let j = 0; j < plan.length; j++) {
    await pace.until(arrived + s.firstTokenMs + j * s.intervalMs);
    if (res.destroyed) return;
    const n = plan[j]!;
    const text = Array.from({ length: n }, (_, i) => word(sent + i)).join('');
    sent += n;
    const last = j === plan.length - 1;
    const extra: Record<string, unknown> = {};
    if (s.continuousUsage) extra.usage = usageOf(sent);
    if (last && s.serverTimings) extra.timings = serverTimings(s, promptTokens);
    chunk({ content: text }, extra, last ? finish : null);
    entry.writesMs.push(pace.now() - entry.arrivedAt);
  }
  const opts = body.stream_options as { include_usage?: boolean } | undefined;
  const wantUsage = s.usage === undefined || s.usage === 'auto' ? opts?.include_usage === true : s.usage;
  if (wantUsage) send({ id, object: 'chat.completion.chunk', model, created: Math.floor(Date.now() / 1000), choices: [], usage: usageOf(sent) });
  res.end('data: [DONE]\n\n');
}

export interface ServerOptions {
  /**
   * Requests generated at once, like a server's batch slots (llama-server --parallel); the rest wait
   * in arrival order and their timeline starts when a slot frees. Default: unlimited.
   */
  slots?: number;
  /**
   * Run the timeline on this virtual clock instead of real time (the client's `now()` must read the
   * same clock): every chunk then arrives at exactly its scripted time. Needs concurrency 1.
   */
  clock?: VirtualClock;
}

/** Start the server on 127.0.0.1 and a free port. `script` may depend on the request (e.g. fail every 5th). */
export async function startScriptedServer(script: Script | ((req: ScriptedRequest) => Script), opts: ServerOptions = {}): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let freeSlots = opts.slots ?? Infinity;
  const waiting: (() => void)[] = [];
  const acquire = () => new Promise<void>((resolve) => { if (freeSlots > 0) { freeSlots--; resolve(); } else waiting.push(resolve); });
  const release = () => { const w = waiting.shift(); if (w) w(); else freeSlots++; };
  const clockNow = () => (opts.clock ? opts.clock.peek() : performance.now());
  const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    const arrived = clockNow();
    void (async () => {
      try {
        if (req.method === 'GET' && (req.url === '/v1/models' || req.url === '/health')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(req.url === '/health' ? { status: 'ok' } : { object: 'list', data: [{ id: 'scripted', object: 'model' }] }));
          return;
        }
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
          return;
        }
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        const entry: ScriptedRequest = { index: requests.length, body, arrivedAt: arrived, writesMs: [] };
        requests.push(entry);
        await acquire();
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          // With limited slots the timeline starts when this request gets one.
          await answer(res, typeof script === 'function' ? script(entry) : script, entry, opts.slots === undefined ? arrived : clockNow(),
            opts.clock ? virtualPacer(opts.clock) : realPacer());
        } finally {
          inFlight--;
          release();
        }
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() { return inFlight; },
    get maxInFlight() { return maxInFlight; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
