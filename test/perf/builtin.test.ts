import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePerfBuiltin } from '../../src/perf/builtin.ts';

describe('ensurePerfBuiltin', () => {
  it('two callers generating the same set at once (suites of one run, parallel shards) both get the complete set', async () => {
    for (let round = 0; round < 3; round++) {
      const fixtures = mkdtempSync(path.join(tmpdir(), 'perf-builtin-'));
      // Each caller reads the set the moment it gets it back, while the others may still be writing.
      const sizes = await Promise.all(Array.from({ length: 6 }, async () => {
        const dir = await ensurePerfBuiltin(fixtures);
        expect(readFileSync(path.join(dir, 'questions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
        return { dir, images: readdirSync(path.join(dir, 'images')).sort().map((n) => [n, statSync(path.join(dir, 'images', n)).size]) };
      }));
      for (const s of sizes) expect(s).toEqual(sizes[0]);
      expect(sizes[0]!.images.map(([n]) => n)).toEqual(['perf-1008x672.jpg', 'perf-336x336.jpg', 'perf-640x480.jpg', 'perf-672x672.jpg']);
      // Nothing half-written is left beside the set.
      expect(readdirSync(fixtures)).toEqual([path.basename(sizes[0]!.dir)]);
    }
  }, 60_000);
});
