import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { tempDir, writeEchoConfig } from '../helpers/run-config.ts';

describe('mergeRuns', () => {
  it('refuses shards of different splits (2 and 3 shards): their samples overlap and leave gaps', async () => {
    const dir = tempDir();
    const config = writeEchoConfig(dir, { count: 12, isolate: false });
    const dirs: string[] = [];
    for (const [i, n] of [[0, 2], [1, 3], [2, 3]] as const) {
      expect((await runCli(['run', config, '--run-id', 'p', '--shard', `${i}/${n}`])).code).toBe(0);
      dirs.push(path.join(dir, 'results', `p-shard${i}of${n}`));
    }
    const m = await runCli(['merge', ...dirs, '--out', path.join(dir, 'results', 'merged')]);
    expect(m.stderr).toMatch(/different shard counts/);
    expect(m.code).toBe(2);
  }, 60_000);
});
