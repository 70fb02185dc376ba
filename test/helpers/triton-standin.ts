import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerTokens, checkImageTensor, ENSEMBLE_INPUTS, ENSEMBLE_REQUIRED, hash8, LLMAPI_INPUTS, LLMAPI_REQUIRED, ModelError,
  preprocessImages, streamPieces, wholeOutput, WRAPPER, type StandinModelType,
} from './triton-standin-model.ts';

/**
 * PROTOCOL STAND-IN for Triton Inference Server + TensorRT-LLM, which cannot run on the test machines
 * (no GPU, no TensorRT-LLM). It answers the way the real server does, rejections included:
 *
 *   POST /v2/models/<m>/generate         generate extension (server docs/protocol/extension_generate.md)
 *   POST /v2/models/<m>/generate_stream  SSE, one `data:` per response; only a decoupled model streams
 *   POST /v2/models/<m>/infer            KServe v2 with the binary tensor data extension
 *                                        (server docs/protocol/extension_binary_data.md); refused (501) on
 *                                        a decoupled model, as server src/http_server.cc does
 *
 * The model behind it is the multimodal ensemble (`preset: 'ensemble'`, model type llava / vila /
 * mllama) or the PyTorch llmapi model (`preset: 'llmapi'`); test/helpers/triton-standin-model.ts
 * holds what each accepts and answers, each behaviour with the TensorRT-LLM file it copies.
 */

export interface TritonStandinOptions {
  model?: string;
  preset?: 'ensemble' | 'llmapi';
  modelType?: StandinModelType;
  /** tensorrt_llm's `decoupled_mode` (needed to stream; /infer over HTTP is refused then). */
  decoupled?: boolean;
  /** tensorrt_llm config.pbtxt parameter `exclude_input_in_output` (a deploy-time setting). */
  excludeInputInOutput?: boolean;
  /** BLS parameter `accumulate_tokens` (deploy-time): streamed responses carry the text so far. */
  accumulateTokens?: boolean;
  /** preprocessing parameter `max_num_images`. */
  maxNumImages?: number;
  delayMs?: number;
  /** In streams, send `{"error": …}` after this many responses (with a 200 already sent). */
  errorAfter?: number;
  /** Fail the first response of every request with this model error (e.g. out of KV cache blocks). */
  failFirst?: string;
}

export interface StandinRequest { path: string; body: Record<string, unknown>; tensors: Record<string, { datatype: string; shape: number[]; bytes?: Uint8Array; data?: unknown[] }> }

export interface TritonStandin {
  url: string;
  requests: StandinRequest[];
  close(): Promise<void>;
}

class BadRequest extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
  });
}

const BYTES_PER: Record<string, number> = { FP16: 2, FP32: 4, INT32: 4, INT64: 8, UINT64: 8, UINT8: 1, BOOL: 1 };

/**
 * Generate extension → inputs. A member named like a model input becomes that tensor; only scalars and
 * 1-D arrays map (a nested array cannot); any other scalar member is a request parameter, which the
 * TensorRT-LLM models never read, so it is silently ignored. (server src/http_server.cc generate
 * request conversion; the message wording here is the stand-in's.)
 */
function fromGenerate(json: unknown, declared: Record<string, string>, model: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BadRequest('request must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === 'parameters') continue;
    if (!(k in declared)) {
      if (v === null || typeof v !== 'object') continue;
      throw new BadRequest(`unexpected inference input '${k}' for model '${model}'`);
    }
    if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
      throw new BadRequest(`generate request input '${k}' must be a scalar or a 1-D array`);
    }
    out[k] = v;
  }
  return out;
}

/** KServe v2 /infer body: JSON header, then binary tensors in input order. */
function fromInfer(body: Buffer, headerLen: number | undefined, declared: Record<string, string>, model: string, rec: StandinRequest): Record<string, unknown> {
  const jsonEnd = headerLen ?? body.byteLength;
  let head: { inputs?: Array<{ name: string; shape: number[]; datatype: string; data?: unknown[]; parameters?: { binary_data_size?: number } }> };
  try { head = JSON.parse(body.subarray(0, jsonEnd).toString('utf8')) as typeof head; } catch { throw new BadRequest('failed to parse the request JSON buffer'); }
  const out: Record<string, unknown> = {};
  let at = jsonEnd;
  for (const i of head.inputs ?? []) {
    if (!(i.name in declared)) throw new BadRequest(`unexpected inference input '${i.name}' for model '${model}'`);
    if (declared[i.name] !== i.datatype) throw new BadRequest(`unexpected datatype ${i.datatype} for input '${i.name}', expecting ${declared[i.name]}`);
    const count = i.shape.reduce((a, b) => a * b, 1);
    const size = i.parameters?.binary_data_size;
    if (size !== undefined) {
      if (i.datatype !== 'BYTES' && size !== count * BYTES_PER[i.datatype]!) throw new BadRequest(`unexpected total byte size ${size} for input '${i.name}', expecting ${count * BYTES_PER[i.datatype]!}`);
      const bytes = body.subarray(at, at + size);
      at += size;
      rec.tensors[i.name] = { datatype: i.datatype, shape: i.shape, bytes };
      out[i.name] = bytes;
    } else {
      if (!Array.isArray(i.data) || i.data.length !== count) throw new BadRequest(`unexpected number of elements for input '${i.name}'`);
      rec.tensors[i.name] = { datatype: i.datatype, shape: i.shape, data: i.data };
      out[i.name] = count === 1 ? i.data[0] : i.data;
    }
  }
  if (at !== body.byteLength) throw new BadRequest('unexpected additional input data in the request body');
  return out;
}

interface Answer { text: string; pieces: string[]; finishReason: string }

function runModel(o: Required<Pick<TritonStandinOptions, 'preset' | 'modelType' | 'excludeInputInOutput' | 'accumulateTokens' | 'maxNumImages'>>, inputs: Record<string, unknown>): Answer {
  const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);
  if (o.preset === 'llmapi') {
    // llmapi/tensorrt_llm/1/model.py: raw text_input to LLM.generate; text_output is generated text only.
    const max = Number(inputs.sampling_param_max_tokens ?? 16);
    const tokens = answerTokens(String(inputs.text_input), (list(inputs.image_url) ?? []).map((u) => hash8(Buffer.from(u.split(',')[1] ?? '', 'base64'))), max);
    const text = tokens.join(' ');
    return { text, pieces: streamPieces(tokens, true), finishReason: tokens.length >= max ? 'length' : 'stop' };
  }
  const text = String(inputs.text_input);
  let images = preprocessImages(o.modelType, list(inputs.image_url_input), inputs.image_bytes_input === undefined ? undefined : [Uint8Array.from(inputs.image_bytes_input as number[])]);
  const tensor = inputs.image_input;
  if (tensor instanceof Uint8Array) images = [hash8(tensor)];
  if (o.modelType !== 'mllama' && images.length === 0) {
    // preprocessing `_create_request` inserts the image feature ids (fake_prompt_id ≥ vocab size) for
    // llava/vila whether or not an image came; without image_input there is no prompt table for them.
    // (The wording is the stand-in's; the failure is a TensorRT-LLM check.)
    throw new ModelError("in ensemble 'ensemble', Failed to process the request(s) for model 'tensorrt_llm_0_0', message: [TensorRT-LLM][ERROR] Assertion failed: prompt-tuning ids given without a prompt_embedding_table");
  }
  const max = Number(inputs.max_tokens);
  const tokens = answerTokens(text, images, max);
  return { text: wholeOutput(o.modelType, text, tokens, o.excludeInputInOutput), pieces: streamPieces(tokens, o.accumulateTokens), finishReason: tokens.length >= max ? 'length' : 'stop' };
}

export async function startTritonStandin(opts: TritonStandinOptions = {}): Promise<TritonStandin> {
  const modelName = opts.model ?? 'ensemble';
  const o = {
    preset: opts.preset ?? 'ensemble', modelType: opts.modelType ?? 'llava', excludeInputInOutput: opts.excludeInputInOutput ?? false,
    accumulateTokens: opts.accumulateTokens ?? false, maxNumImages: opts.maxNumImages ?? 1,
  };
  const declared = o.preset === 'llmapi' ? LLMAPI_INPUTS : ENSEMBLE_INPUTS;
  const required = o.preset === 'llmapi' ? LLMAPI_REQUIRED : ENSEMBLE_REQUIRED;
  const requests: StandinRequest[] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };

  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      if (req.method === 'GET' && path === '/v2/health/ready') { res.writeHead(200); res.end(); return; }
      const m = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/(generate|generate_stream|infer)$/.exec(path);
      if (req.method !== 'POST' || !m) return json(res, 404, { error: `no route ${req.method} ${path}` });
      const raw = await readBody(req);
      const route = m[2]!;
      if (decodeURIComponent(m[1]!) !== modelName) return json(res, 400, { error: `Request for unknown model: '${m[1]}' is not found` });
      if (route === 'infer' && opts.decoupled) return json(res, 501, { error: "HTTP end point doesn't support models with decoupled transaction policy" });
      const rec: StandinRequest = { path, body: {}, tensors: {} };
      let inputs: Record<string, unknown>;
      try {
        if (route === 'infer') {
          const h = req.headers['inference-header-content-length'];
          inputs = fromInfer(raw, h === undefined ? undefined : Number(h), declared, modelName, rec);
        } else {
          let parsed: unknown;
          try { parsed = JSON.parse(raw.toString('utf8')); } catch { throw new BadRequest('failed to parse the request JSON buffer'); }
          rec.body = parsed as Record<string, unknown>;
          inputs = fromGenerate(parsed, declared, modelName);
        }
        for (const k of required) if (inputs[k] === undefined) throw new BadRequest(`expected 1 value for input '${k}' (required)`);
        if (!Number.isInteger(Number(inputs.max_tokens ?? 1))) throw new BadRequest("input 'max_tokens' must be INT32");
        if (inputs.image_input instanceof Uint8Array) checkImageTensor(o.modelType, rec.tensors.image_input!.shape, o.maxNumImages);
      } catch (err) {
        requests.push(rec);
        return json(res, err instanceof ModelError ? err.status : 400, { error: (err as Error).message });
      }
      requests.push(rec);
      const streaming = route === 'generate_stream';
      let answer: Answer;
      try {
        if (opts.failFirst) throw new ModelError(opts.failFirst);
        answer = runModel(o, inputs);
      } catch (err) {
        const msg = (err as Error).message;
        // server src/http_server.cc: generate_stream fixes the status with the first response; an error
        // there is sent as HTTP 500 whose body is still an SSE event.
        if (streaming) { res.writeHead(500, { 'content-type': 'text/event-stream' }); res.end(`data: ${JSON.stringify({ error: msg })}\n\n`); return; }
        return json(res, err instanceof ModelError ? err.status : 500, { error: msg });
      }
      const base = { model_name: modelName, model_version: '1' };
      const finish = o.preset === 'llmapi' && (inputs.return_finish_reason === true) ? { finish_reason: answer.finishReason } : {};
      if (route === 'infer') {
        return json(res, 200, { ...base, outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1, 1], data: [answer.text] }] });
      }
      // A non-decoupled model answers generate_stream with one response; so does `stream: false`.
      const wantsStream = o.preset === 'llmapi' ? inputs.streaming === true : inputs.stream === true;
      if (!streaming || !opts.decoupled || !wantsStream) {
        if (!streaming) return json(res, 200, { ...base, text_output: answer.text, ...finish });
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${JSON.stringify({ ...base, text_output: answer.text, ...finish })}\n\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < answer.pieces.length; i++) {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (res.destroyed) return;
        if (opts.errorAfter !== undefined && i === opts.errorAfter) {
          res.end(`data: ${JSON.stringify({ error: 'Encountered error in tensorrt_llm model: out of KV cache blocks' })}\n\n`);
          return;
        }
        const last = i === answer.pieces.length - 1;
        res.write(`data: ${JSON.stringify({ ...base, text_output: answer.pieces[i], ...(last ? finish : {}) })}\n\n`);
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

export { WRAPPER };
