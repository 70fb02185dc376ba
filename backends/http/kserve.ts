import { BackendError } from '../../src/core/errors.ts';
import { floatToHalf } from '../../src/core/f16.ts';
import type { ImageSource } from '../../src/core/request.ts';
import type { Family, PreprocessOptions } from '../../src/families/index.ts';

/**
 * KServe v2 inference protocol (`POST /v2/models/<m>/infer`, triton-inference-server/server
 * docs/protocol/extension_binary_data.md): the one HTTP route that carries a multi-dimensional tensor.
 * The generate extension maps only 1-D JSON values to tensors, so the TensorRT-LLM ensemble's
 * `image_input` (FP16 [B, N, 3, H, W]) must come this way. Tensors go as binary data after the JSON
 * header (little-endian, row-major; `Inference-Header-Content-Length` gives the JSON length); text
 * and scalars go as JSON `data`.
 */

export type KserveDatatype = 'BYTES' | 'BOOL' | 'INT32' | 'UINT64' | 'FP32' | 'FP16' | 'UINT8';

export interface KserveInput {
  name: string;
  datatype: KserveDatatype;
  shape: number[];
  /** JSON data (row-major, flattened), or raw little-endian bytes sent with the binary extension. */
  data: unknown[] | Uint8Array;
}

export interface KserveRequest {
  /** Bytes to POST: the JSON header, then each binary tensor in input order. */
  body: Buffer;
  headers: Record<string, string>;
}

export function toInferRequest(inputs: KserveInput[], outputs: string[]): KserveRequest {
  const binaries: Uint8Array[] = [];
  const header = {
    inputs: inputs.map((i) => {
      if (i.data instanceof Uint8Array) {
        binaries.push(i.data);
        return { name: i.name, shape: i.shape, datatype: i.datatype, parameters: { binary_data_size: i.data.byteLength } };
      }
      return { name: i.name, shape: i.shape, datatype: i.datatype, data: i.data };
    }),
    // text_output as JSON: a BYTES tensor in JSON is a plain string array.
    outputs: outputs.map((name) => ({ name, parameters: { binary_data: false } })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (binaries.length === 0) return { body: json, headers: { 'content-type': 'application/json' } };
  return {
    body: Buffer.concat([json, ...binaries.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.byteLength) },
  };
}

interface OutputWire { name?: unknown; datatype?: unknown; shape?: unknown; data?: unknown; parameters?: { binary_data_size?: unknown } }

/**
 * An /infer response → output name → values. JSON outputs come as `data`; a server that answers in
 * binary anyway (Inference-Header-Content-Length set) has its BYTES tensors decoded (4-byte length + bytes).
 */
export function parseInferResponse(body: Buffer, headerLength: number | undefined, url: string): Record<string, unknown[]> {
  const jsonEnd = headerLength ?? body.byteLength;
  let parsed: { outputs?: OutputWire[]; error?: unknown };
  try {
    parsed = JSON.parse(body.subarray(0, jsonEnd).toString('utf8')) as typeof parsed;
  } catch (err) {
    throw new BackendError(`unparseable /infer response from ${url}: ${body.subarray(0, 200).toString('utf8')}`, { code: 'E_PARSE', cause: err });
  }
  if (!Array.isArray(parsed.outputs)) throw new BackendError(`/infer response from ${url} has no outputs`, { code: 'E_PARSE' });
  const out: Record<string, unknown[]> = {};
  let at = jsonEnd;
  for (const o of parsed.outputs) {
    const size = Number(o.parameters?.binary_data_size ?? NaN);
    if (Number.isFinite(size)) {
      const bytes = body.subarray(at, at + size);
      at += size;
      out[String(o.name)] = o.datatype === 'BYTES' ? decodeBytesTensor(bytes) : [bytes];
    } else {
      out[String(o.name)] = Array.isArray(o.data) ? o.data : [o.data];
    }
  }
  return out;
}

function decodeBytesTensor(b: Buffer): string[] {
  const items: string[] = [];
  for (let at = 0; at + 4 <= b.byteLength;) {
    const n = b.readUInt32LE(at);
    items.push(b.subarray(at + 4, at + 4 + n).toString('utf8'));
    at += 4 + n;
  }
  return items;
}

/** Float32 values → little-endian IEEE half bytes (the FP16 the ensemble's image_input declares). */
export function toFp16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, floatToHalf(values[i]!), true);
  return out;
}

export interface ImageTensor { shape: [number, number, number, number, number]; fp16: Uint8Array }

/**
 * The ensemble's `image_input` for one request: every image through the family's own preprocessing
 * (LLaVA's expand2square + CLIP processor, VILA's `process_images` resize), stacked on the image axis,
 * with the batch axis in front: [1, N, 3, H, W]. TensorRT-LLM triton_backend/tools/multimodal/client.py
 * builds the same shape (`image.unsqueeze(0)` of the processor's pixel_values, `.astype(np.float16)`).
 */
export async function imageTensor(family: Family, images: ImageSource[], opts: PreprocessOptions = {}): Promise<ImageTensor> {
  const pre = await Promise.all(images.map((img) => family.preprocess(img, opts)));
  const [, c, h, w] = pre[0]!.shape;
  const n = pre.reduce((s, p) => s + p.shape[0], 0);
  const all = new Float32Array(n * c * h * w);
  let at = 0;
  for (const p of pre) { all.set(p.data, at); at += p.data.length; }
  return { shape: [1, n, c, h, w], fp16: toFp16Bytes(all) };
}
