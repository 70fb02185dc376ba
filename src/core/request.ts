/** What a suite asks a model: chat turns built on one content-part union, plus generation params. */

/**
 * `exifRotate`: show the image upright per its EXIF orientation tag before the model sees it (config
 * `image.exifRotate`). Absent/false: as stored, which is what upstream loaders (PIL) do.
 */
export type ImageSource =
  | { kind: 'path'; path: string; exifRotate?: boolean }
  | { kind: 'buffer'; data: Uint8Array; name?: string; exifRotate?: boolean };

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; image: ImageSource };

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: ContentPart[];
}

export interface GenParams {
  maxTokens: number;
  /** 0 = greedy (the default everywhere). */
  temperature: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** Keep generating past EOS until maxTokens (latency suites); backends that cannot, say so in usage. */
  ignoreEos?: boolean;
  /**
   * Token id → additive logit bias; `false` bans the token (llama.cpp `logit_bias` pairs; OpenAI-compatible
   * servers get `{ "<id>": bias }` with `false` sent as -100). E.g. random-weight fixtures ban the byte
   * tokens that cannot start valid UTF-8, identically on every route.
   */
  logitBias?: Array<[token: number, bias: number | false]>;
  /** GBNF grammar constraining the answer (llama.cpp routes: in process and llama-server). */
  grammar?: string;
}

export const DEFAULT_GEN_PARAMS: GenParams = { maxTokens: 128, temperature: 0 };

export interface VlmRequest {
  /** Stable id of the sample within its suite; used in logs and errors. */
  sampleId: string;
  messages: ChatMessage[];
  params: GenParams;
  /**
   * What the answer is for: `score` (quality suites; text must be exact) or `timing` (perf suites; only
   * timings matter). Backends whose streamed text is lossy stream only for `timing`. Default `score`.
   */
  purpose?: 'score' | 'timing';
}

export const isTextPart = (p: ContentPart): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text';
export const isImagePart = (p: ContentPart): p is Extract<ContentPart, { type: 'image' }> => p.type === 'image';

export function userMessage(...parts: Array<string | ImageSource>): ChatMessage {
  return {
    role: 'user',
    content: parts.map((p) => (typeof p === 'string' ? { type: 'text', text: p } : { type: 'image', image: p })),
  };
}

export function imagesOf(req: VlmRequest): ImageSource[] {
  return req.messages.flatMap((m) => m.content.filter(isImagePart).map((p) => p.image));
}
