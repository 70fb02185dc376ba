import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** --image-marker must not be silently dropped in batch mode. */

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'vlmbench-models-prompt-marker-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('vlmbench models prompt --in with --image-marker', () => {
  it('replaces <image> in every rendered prompt', async () => {
    const inFile = path.join(dir, 'cases.jsonl');
    await writeFile(inFile, `${JSON.stringify({ template: 'vicuna_v1', messages: [{ role: 'user', content: '<image>\nWhat?' }] })}\n`);
    const r = await runCli(['models', 'prompt', '--in', inFile, '--image-marker', '<__media__>']);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim()) as { prompt: string };
    expect(line.prompt).toContain('USER: <__media__>\nWhat? ASSISTANT:');
    expect(line.prompt).not.toContain('<image>');
  });
});
