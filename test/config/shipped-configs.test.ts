import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { GatePolicy } from '../../src/gate/policy.ts';
import { REPO } from '../helpers/run-config.ts';

const configs = path.join(REPO, 'configs');
const env = { VLMBENCH_MODELS: '/models', VLMBENCH_DATA: '/data', TRTLLM_URL: 'http://trt:8000/v1', JUDGE_URL: 'http://judge:8000/v1' };

describe('shipped configs', () => {
  for (const name of readdirSync(configs).filter((f) => f.endsWith('.yaml') && f !== 'gate.yaml')) {
    it(`${name} validates against the schema`, () => {
      const { config } = parseConfig(readFileSync(path.join(configs, name), 'utf8'), path.join(configs, name), env);
      expect(config.models.length).toBeGreaterThan(0);
      expect(config.suites.length).toBeGreaterThan(0);
    });
  }
  it('gate.yaml validates against the gate policy schema', async () => {
    const { parse } = await import('yaml');
    expect(GatePolicy.safeParse(parse(readFileSync(path.join(configs, 'gate.yaml'), 'utf8'))).success).toBe(true);
  });
});
