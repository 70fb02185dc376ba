import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFixturesDir, REPO_ROOT } from '../../src/fixtures/paths.ts';
import { tempDir } from '../helpers/run-config.ts';

/**
 * docs/gpu-ci.md's recipe, as CI would meet it: a fresh clone of the committed tree (nothing the
 * working copy has uncommitted), the script the doc names, the tiny models on CPU.
 */
describe('the GPU CI recipe from a fresh clone (tiny models, CPU)', () => {
  it('trusted run → baseline promote → PR run → gate passes, with report and gate files', () => {
    const clone = path.join(tempDir(), 'vlmbench');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    // The install step of a fresh clone (npm ci) is what CI itself does; reuse this checkout's packages.
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const work = tempDir();
    const r = spawnSync('bash', ['scripts/gpu-ci-recipe.sh'], {
      cwd: clone, encoding: 'utf8', timeout: 240_000,
      // The generated tiny models are deterministic: share this checkout's, as a second run on one machine would.
      env: { ...process.env, WORK: work, VLMBENCH_FIXTURES_DIR: defaultFixturesDir() },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('gate: PASS (exit 0)');
    expect(r.stdout).toContain('recipe passed');
    for (const f of ['baselines/gpu-ci', 'results/pr/report.html', 'results/pr/gate.json', 'results/pr/junit.xml']) {
      expect(existsSync(path.join(work, f)), f).toBe(true);
    }
  }, 300_000);
});
