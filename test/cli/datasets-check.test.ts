import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/runner/suites.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';

/** A private copy of a suite's built-in sample set (official layout), to break on purpose. */
async function copyOfBuiltin(suite: string, fixtures: string): Promise<string> {
  const s = await loadSuite(suite, 'suite');
  const src = await s.builtinDataset!(fixtures);
  const dst = path.join(tempDir(), suite);
  cpSync(src, dst, { recursive: true });
  return dst;
}

let fixtures: string;
beforeAll(() => { fixtures = tempDir(); });

describe('vlmbench datasets check: a verdict on a folder without running a model', () => {
  it('a complete built-in ScienceQA folder is OK (exit 0)', async () => {
    const dir = await copyOfBuiltin('scienceqa', fixtures);
    const r = await runCli(['datasets', 'check', 'scienceqa', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^scienceqa .*: \d+ samples, \d+ images: OK$/m);
  });

  it('ScienceQA with a missing image and a truncated one: exit 1 naming both files', async () => {
    const dir = await copyOfBuiltin('scienceqa', fixtures);
    const imageDirs = readdirSync(path.join(dir, 'images'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const [gone, cut] = imageDirs.map((e) => path.join(e.parentPath, e.name));
    rmSync(gone!);
    truncateSync(cut!, 40);
    const r = await runCli(['datasets', 'check', 'scienceqa', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 problems/);
    // The ScienceQA loader itself refuses both samples: one image is gone, the other does not decode.
    expect(r.stdout).toContain('2 samples that cannot be loaded:');
    expect(r.stdout).toContain(`image not found: ${gone!}`);
    expect(r.stdout).toMatch(/: image cannot be decoded/);
  });

  it('LLaVA-Bench with a repeated question id: exit 1, the id named', async () => {
    const dir = await copyOfBuiltin('conversation', fixtures);
    const q = path.join(dir, 'questions.jsonl');
    appendFileSync(q, readFileSync(q, 'utf8').split('\n')[0]! + '\n');
    const r = await runCli(['datasets', 'check', 'conversation', dir, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { problems: Array<{ kind: string; message: string }> };
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/duplicate question_id 0/));
  });

  it('LLaVA-Bench with a malformed question line: that sample is named, the rest load', async () => {
    const dir = await copyOfBuiltin('conversation', fixtures);
    appendFileSync(path.join(dir, 'questions.jsonl'), '{"question_id": 99, "image": \n');
    const r = await runCli(['datasets', 'check', 'conversation', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('samples that cannot be loaded');
  });

  it('LLaVA-Bench with a truncated image: the image check opens every image the requests would send', async () => {
    const dir = await copyOfBuiltin('conversation', fixtures);
    const img = path.join(dir, 'images', '001.jpg');
    truncateSync(img, 30);
    const r = await runCli(['datasets', 'check', 'conversation', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 images missing or unreadable:');
    expect(r.stdout).toContain(`${img}: `);
  });

  it('a folder that is not the dataset: exit 2 with what the suite expected', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'readme.txt'), 'not a dataset');
    const r = await runCli(['datasets', 'check', 'scienceqa', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a ScienceQA folder/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown suite or a missing argument is a usage error', async () => {
    expect((await runCli(['datasets', 'check', 'nosuch', tempDir()])).code).toBe(2);
    const r = await runCli(['datasets', 'check', 'scienceqa']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected <suite> <dir>');
  });
});
