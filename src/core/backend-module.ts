import type { ModelConfig } from '../config/schema.ts';
import type { Backend, BackendContext } from './backend.ts';

/**
 * Every backends/<name>/index.ts exports `createBackend`. The runner loads it lazily by type, either in
 * process (http) or inside an isolated child process (llama-cpp, onnx).
 */
export type CreateBackend = (model: ModelConfig, ctx: BackendContext) => Promise<Backend>;
export interface BackendModule { createBackend: CreateBackend }
