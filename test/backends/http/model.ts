import { ModelConfig } from '../../../src/config/schema.ts';
import type { BackendContext } from '../../../src/core/backend.ts';

/** An http ModelConfig with schema defaults filled, as the config loader would produce it. */
export function httpModel(backend: Record<string, unknown>, id = 'remote'): ModelConfig {
  return ModelConfig.parse({ id, family: 'llava-1.5', backend: { type: 'http', model: 'echo', ...backend } });
}

export const quietCtx: BackendContext = { log: () => {} };
