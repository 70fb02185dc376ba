import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * PROTOCOL STAND-IN for Triton Inference Server + the TensorRT-LLM multimodal ensemble, which cannot
 * run on the test machines. It follows the documented generate extension (server
 * docs/protocol/extension_generate.md) and the ensemble's input/output names (tensorrtllm_backend ensemble `config.pbtxt`):
 *
 *   POST /v2/models/<m>/generate         → one JSON object {model_name, model_version, text_output}
 *   POST /v2/models/<m>/generate_stream  → text/event-stream, one `data:` JSON per response
 *   errors                                → {"error": "<msg>"} (status 400); in a stream after a 200,
 *                                            as a `data: {"error": …}` event
 *
 * Inputs are checked like an ensemble model would: `text_input` (string) and `max_tokens` (integer)
 * required, at most one of image_url_input / image_bytes_input, unknown inputs rejected. The "model"
 * answers with the words of the prompt text after the image reversed, then `img:<sha8>` per image, one
 * word per response; it echoes the prompt before the output in non-streamed mode unless
 * `exclude_input_in_output` (as engines built without that flag do).
 */

const ENSEMBLE_INPUTS = new Set([
  'text_input', 'max_tokens', 'decoder_text_input', 'image_input', 'image_bytes_input', 'image_url_input', 'image_sizes_input',
  'video_bytes_input', 'end_id', 'pad_id', 'top_k', 'top_p', 'temperature', 'length_penalty', 'repetition_penalty',
  'min_tokens', 'presence_penalty', 'frequency_penalty', 'seed', 'beam_width', 'bad_words', 'stop_words',
  'embedding_bias_words', 'embedding_bias_weights', 'return_log_probs', 'return_context_logits',
  'return_generation_logits', 'stream', 'prompt_table_extra_id', 'id', 'parameters',
  // BLS / deployment flags the docs mention.
  'accumulate_tokens', 'exclude_input_in_output',
]);

export interface TritonStandinOptions {
  /** Model name served (default 'ensemble'). */
  model?: string;
  /** Delay before each streamed response, ms. */
  delayMs?: number;
  /** In streams, send `{"error": …}` after this many responses (with a 200 already sent). */
  errorAfter?: number;
}

export interface TritonStandin {
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

function imageHashes(body: Record<string, unknown>): string[] {
  const hash = (b: Uint8Array) => `img:${createHash('sha256').update(b).digest('hex').slice(0, 8)}`;
  const urls = body.image_url_input;
  if (urls !== undefined) {
    return (Array.isArray(urls) ? urls : [urls]).map((u) => hash(Buffer.from(String(u).replace(/^data:[^,]*;base64,/, ''), 'base64')));
  }
  const bytes = body.image_bytes_input;
  if (bytes !== undefined) {
    const list = Array.isArray(bytes) && Array.isArray(bytes[0]) ? bytes as number[][] : [bytes as number[]];
    return list.map((b) => hash(Uint8Array.from(b)));
  }
  return [];
}

export function standinWords(body: Record<string, unknown>): string[] {
  const prompt = String(body.text_input);
  const afterImage = prompt.includes('<image>') ? prompt.slice(prompt.lastIndexOf('<image>') + 7) : prompt;
  const words = afterImage.split(/\s+/).filter(Boolean).reverse();
  return [...words, ...imageHashes(body)].slice(0, Number(body.max_tokens));
}

function validate(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request must be a JSON object';
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!ENSEMBLE_INPUTS.has(k)) return `unexpected inference input '${k}' for model 'ensemble'`;
  if (typeof b.text_input !== 'string') return "expected 1 value for input 'text_input'";
  if (!Number.isInteger(b.max_tokens)) return "input 'max_tokens' must be INT32";
  const images = ['image_input', 'image_bytes_input', 'image_url_input'].filter((k) => b[k] !== undefined);
  if (images.length > 1) return `only one of image_input, image_bytes_input, image_url_input may be set (got ${images.join(', ')})`;
  return undefined;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { s += c; });
    req.on('end', () => { try { resolve(JSON.parse(s)); } catch { resolve(undefined); } });
  });
}

function fail(res: ServerResponse, status: number, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: msg }));
}

export async function startTritonStandin(opts: TritonStandinOptions = {}): Promise<TritonStandin> {
  const modelName = opts.model ?? 'ensemble';
  const requests: TritonStandin['requests'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      if (req.method === 'GET' && path === '/v2/health/ready') { res.writeHead(200); res.end(); return; }
      const m = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/(generate|generate_stream)$/.exec(path);
      if (req.method !== 'POST' || !m) return fail(res, 404, `no route ${req.method} ${path}`);
      const body = await readJson(req);
      if (decodeURIComponent(m[1]!) !== modelName) return fail(res, 400, `Request for unknown model: '${m[1]}' is not found`);
      const problem = validate(body);
      if (problem) return fail(res, 400, problem);
      const b = body as Record<string, unknown>;
      requests.push({ path, body: b });
      const words = standinWords(b);
      const base = { model_name: modelName, model_version: '1' };
      if (m[2] === 'generate') {
        const text = words.map((w, i) => (i === 0 ? w : ` ${w}`)).join('');
        const echo = b.exclude_input_in_output === true ? '' : String(b.text_input);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...base, text_output: echo + text }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sofar = '';
      for (let i = 0; i < words.length; i++) {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (res.destroyed) return;
        if (opts.errorAfter !== undefined && i === opts.errorAfter) {
          res.end(`data: ${JSON.stringify({ error: 'Encountered error in tensorrt_llm model: out of KV cache blocks' })}\n\n`);
          return;
        }
        const delta = i === 0 ? words[i]! : ` ${words[i]}`;
        sofar += delta;
        res.write(`data: ${JSON.stringify({ ...base, text_output: b.accumulate_tokens === true ? sofar : delta })}\n\n`);
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
