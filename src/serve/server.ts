import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pLimit from 'p-limit';
import type { Backend } from '../core/backend.ts';
import { UsageError } from '../core/errors.ts';
import { imagesOf } from '../core/request.ts';
import type { TokenEvent, VlmOutput } from '../core/response.ts';
import { ValidatedCache, validateImages } from '../image/validate.ts';
import { ApiError, errorBody, fromBackendError } from './errors.ts';
import { parseChatRequest, type ParsedChatRequest } from './wire.ts';

/**
 * An OpenAI-compatible server over any Backend (`vlmbench serve`): /health, /v1/models and
 * /v1/chat/completions (streamed and not). It exists so local backends can be driven through the
 * same HTTP path as a TensorRT-LLM or vLLM endpoint, e.g. to check the HTTP client against them.
 */

export interface OpenAiServerOptions {
  backends: Map<string, Backend>;
  /** Default 127.0.0.1: never exposed beyond the machine unless asked. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxBodyBytes?: number;
  maxImageBytes?: number;
}

export interface OpenAiServer {
  url: string;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

function sendError(res: ServerResponse, e: ApiError, close = false): void {
  if (res.headersSent) { res.destroy(); return; }
  sendJson(res, e.status, errorBody(e), close ? { connection: 'close' } : {});
}

/** Reads the body up to `max` bytes; over the limit → 413 (checked on content-length first). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => new ApiError(413, `request body is larger than ${max} bytes`, 'invalid_request_error', null, 'request_too_large');
    if (Number.isFinite(declared) && declared > max) { req.resume(); reject(tooLarge()); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { req.removeAllListeners('data'); req.resume(); reject(tooLarge()); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function createOpenAiServer(opts: OpenAiServerOptions): Promise<OpenAiServer> {
  const { createServer } = await import('node:http');
  const maxBody = opts.maxBodyBytes ?? 32 * MiB;
  const maxImage = opts.maxImageBytes ?? 20 * MiB;
  // A backend that decodes one sequence at a time gets one request at a time; others queue here.
  const limits = new Map([...opts.backends].map(([id, b]) => [id, pLimit(Math.max(1, b.capabilities.parallelSequences))]));
  const created = () => Math.floor(Date.now() / 1000);
  const validated = new ValidatedCache();

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, maxBody);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ApiError(400, 'request body is not valid JSON', 'invalid_request_error', null, 'invalid_json');
    }
    const id = `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const parsed = parseChatRequest(body, maxImage, id);
    const backend = opts.backends.get(parsed.model);
    if (!backend) {
      throw new ApiError(404, `model '${parsed.model}' does not exist; available: ${[...opts.backends.keys()].join(', ')}`, 'invalid_request_error', 'model', 'model_not_found');
    }
    const images = parsed.request.messages.reduce((n, m) => n + m.content.filter((p) => p.type === 'image').length, 0);
    if (images > 0 && !backend.capabilities.images) throw new ApiError(400, `model '${parsed.model}' takes no images`, 'invalid_request_error', 'messages', 'images_unsupported');
    if (images > 1 && !backend.capabilities.multiImage) throw new ApiError(400, `model '${parsed.model}' takes one image per request`, 'invalid_request_error', 'messages', 'too_many_images');

    // The client going away cancels the generation (and its queue slot).
    const abort = new AbortController();
    res.on('close', () => { if (!res.writableFinished) abort.abort(); });
    const run = (onToken?: (e: TokenEvent) => void) =>
      limits.get(parsed.model)!(() => {
        if (abort.signal.aborted) throw new ApiError(499, 'client closed the request', 'aborted');
        return backend.generate(parsed.request, { signal: abort.signal, onToken });
      });
    if (parsed.stream) {
      // An undecodable image is the request's fault: answer 400 before the stream's 200 goes out (the
      // backend's own check then finds the buffers decoded). Failures after that arrive in the stream.
      await validateImages(imagesOf(parsed.request), validated);
      await streamChat(res, parsed, id, run, abort.signal);
    }
    else {
      const out = await run();
      sendJson(res, 200, {
        id, object: 'chat.completion', created: created(), model: parsed.model,
        choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: finishOf(out) }],
        usage: usageOf(out),
      });
    }
  }

  async function streamChat(res: ServerResponse, p: ParsedChatRequest, id: string,
    run: (onToken: (e: TokenEvent) => void) => Promise<VlmOutput>, signal: AbortSignal): Promise<void> {
    const base = { id, object: 'chat.completion.chunk', created: created(), model: p.model };
    const write = (o: unknown) => { if (!res.destroyed) res.write(`data: ${JSON.stringify(o)}\n\n`); };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    write({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    let completion = 0;
    let sent = '';
    const content = (text: string) => {
      const chunk: Record<string, unknown> = { ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] };
      // vLLM-style continuous_usage_stats: the cumulative count tells the client each chunk's tokens.
      if (p.continuousUsage) chunk.usage = { completion_tokens: completion };
      sent += text;
      write(chunk);
    };
    try {
      const out = await run((e) => {
        completion += e.tokens;
        // A token that decodes to no text yet (half a UTF-8 character) rides on the next chunk.
        if (e.text !== '') content(e.text);
      });
      // Text the backend only produced when it finished (e.g. a trailing partial character flushed
      // as U+FFFD) still reaches the client, so streamed and one-shot answers are identical.
      if (out.text.length > sent.length && out.text.startsWith(sent)) {
        completion = out.usage.completionTokens;
        content(out.text.slice(sent.length));
      }
      write({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishOf(out) }] });
      if (p.includeUsage) write({ ...base, choices: [], usage: usageOf(out) });
      if (!res.destroyed) res.end('data: [DONE]\n\n');
    } catch (err) {
      if (signal.aborted) { res.destroy(); return; }
      // Status is already 200: report the failure as an error event, as vLLM does — with the status
      // the request would have got as a numeric `code`, so clients can still tell 429/5xx (retry) apart.
      const e = fromBackendError(err);
      write({ error: { ...errorBody(e).error, code: e.status } });
      res.end();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, {
          object: 'list',
          data: [...opts.backends.keys()].map((m) => ({ id: m, object: 'model', created: 0, owned_by: 'vlmbench' })),
        });
      }
      if (path === '/v1/chat/completions') {
        if (req.method !== 'POST') throw new ApiError(405, 'use POST', 'invalid_request_error', null, 'method_not_allowed');
        return await chat(req, res);
      }
      throw new ApiError(404, `no route ${req.method} ${path}`, 'invalid_request_error', null, 'not_found');
    } catch (err) {
      const e = fromBackendError(err);
      sendError(res, e, e.status === 413);
    }
  }

  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => { void handle(req, res); });
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => reject(listenError(err, host, port));
    server.once('error', fail);
    server.listen(port, host, () => { server.off('error', fail); resolve(); });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${urlHost}:${addr.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** A bind failure is the user's choice of address: say which one and what to do instead. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): UsageError {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const hostProblem = err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND';
  const hint = err.code === 'EADDRINUSE'
    ? 'stop the process using it or choose another --port (0 picks a free one)'
    : err.code === 'EACCES'
      ? 'ports below 1024 need privileges: choose a higher --port'
      : hostProblem
        ? 'use --host with an address of this machine (127.0.0.1, 0.0.0.0)'
        : 'check --host and --port';
  return new UsageError(`cannot listen on ${where}: ${err.code ?? err.message}`, { field: hostProblem ? 'host' : 'port', hint, cause: err });
}

function finishOf(out: VlmOutput): 'stop' | 'length' {
  return out.finishReason === 'length' ? 'length' : 'stop';
}

function usageOf(out: VlmOutput) {
  return {
    prompt_tokens: out.usage.promptTokens,
    completion_tokens: out.usage.completionTokens,
    total_tokens: out.usage.promptTokens + out.usage.completionTokens,
    // Not an OpenAI field (its details carry cached/audio tokens): the image share of prompt_tokens, so a
    // client can check it against the family's formula. Clients that do not know it ignore it.
    ...(out.usage.imageTokens !== undefined ? { prompt_tokens_details: { image_tokens: out.usage.imageTokens } } : {}),
  };
}
