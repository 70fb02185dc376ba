import type { ChatMessage, ContentPart, GenParams, Role, VlmRequest } from '../core/request.ts';
import { ApiError } from './errors.ts';

/**
 * OpenAI chat-completions request → VlmRequest. Only data-URL images are accepted: the server never
 * fetches remote URLs or reads local files on a client's behalf.
 */

export interface ParsedChatRequest {
  model: string;
  request: VlmRequest;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

const ROLES: readonly Role[] = ['system', 'user', 'assistant'];
const DEFAULT_MAX_TOKENS = 256;

function bad(message: string, param: string | null = null, code: string | null = null): never {
  throw new ApiError(400, message, 'invalid_request_error', param, code);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeImage(url: unknown, param: string, maxImageBytes: number, index: number): ContentPart {
  if (typeof url !== 'string') bad('image_url.url must be a string', param);
  const m = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!m) bad('only base64 data URLs (data:image/png;base64,...) are accepted for images', param, 'unsupported_image_url');
  const b64Len = url.length - m[0].length;
  // Size from the base64 length, before decoding anything large.
  if (Math.floor((b64Len * 3) / 4) > maxImageBytes + 2) {
    throw new ApiError(413, `image is larger than ${maxImageBytes} bytes`, 'invalid_request_error', param, 'image_too_large');
  }
  const data = Buffer.from(url.slice(m[0].length), 'base64');
  if (data.length === 0) bad('image data is empty', param, 'invalid_image');
  if (data.length > maxImageBytes) throw new ApiError(413, `image is larger than ${maxImageBytes} bytes`, 'invalid_request_error', param, 'image_too_large');
  return { type: 'image', image: { kind: 'buffer', data: new Uint8Array(data.buffer, data.byteOffset, data.length), name: `image-${index}` } };
}

function parseMessages(raw: unknown, maxImageBytes: number): ChatMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) bad('messages must be a non-empty array', 'messages');
  let images = 0;
  return raw.map((m, i): ChatMessage => {
    const p = `messages[${i}]`;
    if (!isObj(m)) bad('each message must be an object', p);
    if (!ROLES.includes(m.role as Role)) bad(`role must be one of ${ROLES.join(', ')}`, `${p}.role`);
    const role = m.role as Role;
    if (typeof m.content === 'string') return { role, content: [{ type: 'text', text: m.content }] };
    if (!Array.isArray(m.content)) bad('content must be a string or an array of parts', `${p}.content`);
    const content = m.content.map((part, j): ContentPart => {
      const pp = `${p}.content[${j}]`;
      if (!isObj(part)) bad('each content part must be an object', pp);
      if (part.type === 'text') {
        if (typeof part.text !== 'string') bad('text must be a string', `${pp}.text`);
        return { type: 'text', text: part.text };
      }
      if (part.type === 'image_url') {
        const iu = part.image_url;
        return decodeImage(isObj(iu) ? iu.url : iu, `${pp}.image_url`, maxImageBytes, images++);
      }
      return bad(`unsupported content part type '${String(part.type)}'`, `${pp}.type`);
    });
    return { role, content };
  });
}

function num(v: unknown, param: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(`${param} must be a number in [${min}, ${max}]`, param);
  return v;
}

export function parseChatRequest(body: unknown, maxImageBytes: number, requestId: string): ParsedChatRequest {
  if (!isObj(body)) bad('request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') bad('model is required', 'model');
  const messages = parseMessages(body.messages, maxImageBytes);
  const maxTokens = num(body.max_completion_tokens ?? body.max_tokens, 'max_tokens', 1, 1_000_000);
  if (maxTokens !== undefined && !Number.isInteger(maxTokens)) bad('max_tokens must be an integer', 'max_tokens');
  const params: GenParams = {
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    // Greedy unless asked otherwise: this server exists to reproduce local backends exactly.
    temperature: num(body.temperature, 'temperature', 0, 2) ?? 0,
  };
  const topP = num(body.top_p, 'top_p', 0, 1);
  if (topP !== undefined) params.topP = topP;
  const seed = num(body.seed, 'seed', -(2 ** 53), 2 ** 53);
  if (seed !== undefined) params.seed = seed;
  if (body.stop !== undefined && body.stop !== null) {
    const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) bad('stop must be a string or an array of strings', 'stop');
    params.stop = stop as string[];
  }
  if (body.ignore_eos === true) params.ignoreEos = true;
  if (body.logit_bias !== undefined && body.logit_bias !== null) {
    // OpenAI form { "<token id>": bias in [-100, 100] }; -100 is taken as a ban, as the OpenAI API documents.
    if (!isObj(body.logit_bias)) bad('logit_bias must be an object of token id → bias', 'logit_bias');
    params.logitBias = Object.entries(body.logit_bias).map(([k, v]): [number, number | false] => {
      const id = Number(k);
      if (!Number.isInteger(id) || id < 0) bad(`logit_bias key '${k}' is not a token id`, 'logit_bias');
      const b = num(v, `logit_bias.${k}`, -100, 100)!;
      return [id, b <= -100 ? false : b];
    });
  }
  if (body.n !== undefined && body.n !== 1) bad('only n = 1 is supported', 'n');
  const so = isObj(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    request: { sampleId: requestId, messages, params },
    stream: body.stream === true,
    includeUsage: so.include_usage === true,
    continuousUsage: so.continuous_usage_stats === true,
  };
}
