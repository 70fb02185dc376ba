import type { VlmRequest } from './request.ts';
import type { PromptSource } from './record.ts';
import type { TokenEvent, VlmOutput } from './response.ts';

export type BackendType = 'llama-cpp' | 'onnx' | 'http' | 'custom';

/** What a model is, as recorded in results and the manifest. */
export interface ModelInfo {
  /** Config id of the model (unique in a run). */
  id: string;
  family: string;
  backend: BackendType | (string & {});
  /** Model files (paths or URLs) that make up this model. */
  files: string[];
  quantization?: string;
  /** Execution provider / device actually used, e.g. 'cpu', 'cuda', 'cuda:0', 'remote'. */
  device?: string;
  /** Runtime package and version, e.g. '@fugood/llama.node@1.7.15'. */
  runtime?: string;
  /** Commit of the native runtime's source where known (llama.cpp commit of a managed llama-server). */
  runtimeCommit?: string;
  /** Warnings the backend raised while loading (e.g. provider fallback). */
  warnings?: string[];
  /** Remote backends: what each endpoint said when checked before the first sample. */
  servers?: ServerProbe[];
  /** What the loaded backend can do (recorded in the manifest by the runner). */
  capabilities?: BackendCapabilities;
  /** Who renders prompts for this model; default `client` (`raw` for custom modules). */
  promptSource?: PromptSource;
}

/** An endpoint check before a remote model's first sample (recorded in the manifest). */
export interface ServerProbe {
  endpoint: string;
  /** Path checked, e.g. /v1/models or /v2/health/ready, and the HTTP status it answered. */
  path: string;
  status: number;
  checkedAt: string;
  /** HTTP `Server` header (uvicorn, llama.cpp…). */
  serverHeader?: string;
  /** Server kind recognised from the answer (vllm, llama-server, sglang, vlmbench, triton). */
  kind?: string;
  /** Model ids the server lists, and `owned_by` of the configured one (vllm, llamacpp, vlmbench…). */
  models?: string[];
  ownedBy?: string;
  maxModelLen?: number;
}

export interface BackendCapabilities {
  images: boolean;
  multiImage: boolean;
  streaming: boolean;
  /** Sequences the runtime decodes in parallel; 1 means requests queue inside the backend. */
  parallelSequences: number;
}

export interface GenerateOptions {
  signal: AbortSignal;
  onToken?: (event: TokenEvent) => void;
}

/**
 * A backend does I/O only: one required `generate`. It renders prompts through the model family,
 * never invents its own; retries, timeouts and concurrency belong to the scheduler. Failures are thrown
 * as typed errors (BackendError, ModelFileError, ImageError…) with `retryable` set honestly.
 */
export interface Backend {
  readonly info: ModelInfo;
  readonly capabilities: BackendCapabilities;
  generate(req: VlmRequest, opts: GenerateOptions): Promise<VlmOutput>;
  /**
   * Checked once before the model's first sample (remote backends: is the endpoint up, does it accept
   * the key); a failure fails the model's load instead of every sample. May add to `info`.
   */
  preflight?(): Promise<void>;
  close?(): Promise<void>;
}

/** Monotonic clock used for all timings. */
export const now = (): number => performance.now();

/** What the runner gives a backend factory besides the model config. */
export interface BackendContext {
  log: (msg: string) => void;
}
