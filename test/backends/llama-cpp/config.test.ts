import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLAMA_CPP_FAMILIES } from '../../../backends/llama-cpp/families.ts';
import { isRemoteModelUri } from '../../../backends/llama-cpp/resolve.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { REPO_ROOT } from '../../../src/fixtures/paths.ts';
import { getFamily } from '../../../src/families/index.ts';

describe('configs/llava-family.yaml', () => {
  it('is a valid config whose models the llama-cpp backend can serve', async () => {
    const { config } = await loadConfig(path.join(REPO_ROOT, 'configs', 'llava-family.yaml'), { OPENAI_API_KEY: 'x' });
    expect(config.models.length).toBeGreaterThanOrEqual(6);
    for (const m of config.models) {
      expect(m.backend.type).toBe('llama-cpp');
      if (m.backend.type !== 'llama-cpp') continue;
      expect(LLAMA_CPP_FAMILIES as readonly string[]).toContain(m.family);
      // Template keys must exist in the family's table.
      if (m.template) expect(getFamily(m.family).templates).toContain(m.template);
      for (const uri of [m.backend.model, m.backend.mmproj!]) {
        expect(isRemoteModelUri(uri)).toBe(true);
        expect(uri).toMatch(/^hf:[\w.-]+\/[\w.-]+\/[\w.-]+\.gguf$/);
      }
      // LLaVA-1.6 needs room for up to 2,928 image tokens.
      if (m.family === 'llava-1.6') expect(m.backend.contextSize).toBeGreaterThanOrEqual(4096);
    }
    const ids = new Set(config.models.map((m) => m.family));
    expect(ids).toEqual(new Set(['llava-1.5', 'llava-1.6']));
  });
});
