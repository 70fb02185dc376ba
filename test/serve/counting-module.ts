import type { ModelConfig } from '../../src/config/schema.ts';
import type { Backend, BackendContext } from '../../src/core/backend.ts';
import { createEchoBackend } from './echo-backend.ts';

/** A `custom` backend module (run in process) that counts how many backends it opened and closed. */
export const counts = { opened: 0, closed: 0 };

export async function createBackend(model: ModelConfig, _ctx: BackendContext): Promise<Backend> {
  counts.opened++;
  return { ...createEchoBackend({ id: model.id }), close: async () => { counts.closed++; } };
}
