import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { REPO } from '../helpers/run-config.ts';

/** The serving examples in configs/examples validate and name the servers and families they document. */
const env = {
  TRTLLM_LLAVA16_URL: 'http://gpu:8000/v1', TRTLLM_VILA_URL: 'http://gpu:8001/v1',
  VLLM_LLAVA15_URL: 'http://gpu:8000/v1', VLLM_LLAVA16_URL: 'http://gpu:8001/v1', VLMBENCH_DATA: '/data',
};

describe('configs/examples serving configs', () => {
  it.each([
    ['trtllm-serve.yaml', 'trtllm-serve', ['llava-1.6', 'vila']],
    ['vllm.yaml', 'vllm', ['llava-1.5', 'llava-1.6']],
  ] as const)('%s validates: %s serving %j, no client-side template', (name, server, families) => {
    const file = path.join(REPO, 'configs/examples', name);
    const { config } = parseConfig(readFileSync(file, 'utf8'), file, env);
    expect(config.models.map((m) => m.family)).toEqual(families);
    for (const m of config.models) {
      expect(m.backend.type === 'http' && m.backend.server).toBe(server);
      expect(m.template).toBeUndefined();
    }
    expect(config.suites.map((s) => s.name)).toContain('scienceqa');
  });
});
