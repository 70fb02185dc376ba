import type { ModelConfig } from '../../src/config/schema.ts';
import type { Backend, BackendContext } from '../../src/core/backend.ts';
import { createEchoBackend } from './echo-backend.ts';

/** A `custom` backend module for serve CLI tests: the deterministic echo backend. */
export async function createBackend(model: ModelConfig, _ctx: BackendContext): Promise<Backend> {
  return createEchoBackend({ id: model.id });
}
