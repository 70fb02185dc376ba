import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Config } from '../../src/config/schema.ts';
import { startServe } from '../../src/serve/start.ts';
import { counts } from './counting-module.ts';

const MODULE = fileURLToPath(new URL('./counting-module.ts', import.meta.url));

describe('startServe', () => {
  it('loads a model named twice once, and closes every backend it opened', async () => {
    const config = Config.parse({
      models: [{ id: 'echo', family: 'llava-1.5', backend: { type: 'custom', module: MODULE, isolate: false } }],
      suites: [{ name: 'conversation' }],
    });
    const before = { ...counts };
    const served = await startServe({ config, models: ['echo', 'echo'], port: 0, fixturesDir: '/nonexistent', log: () => {} });
    expect(served.models).toEqual(['echo']);
    await served.close();
    expect(counts.opened - before.opened).toBe(1);
    expect(counts.closed - before.closed).toBe(1);
  });
});
