import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISHED_FILE, loadPublished, resolvePublished } from '../../src/report/published.ts';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-published-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

const MINIMAL = JSON.stringify({ axes: ['A'], sources: { s: { title: 'S' } }, models: [{ id: 'm', name: 'M', family: 'x', scores: { A: { value: 1, source: 's' } } }] });

describe('resolvePublished: bare names that are files in the working directory', () => {
  it('a JSON file (valid YAML) given by its bare name is read from the working directory', async () => {
    await writeFile(path.join(tmp, 'scores.json'), MINIMAL);
    const file = resolvePublished('scores.json', tmp);
    expect(file).toBe(path.join(tmp, 'scores.json'));
    expect((await loadPublished(file)).axes).toEqual(['A']);
  });

  it('an extensionless file in the working directory wins over a missing bundled name', async () => {
    await writeFile(path.join(tmp, 'my-scores'), MINIMAL);
    expect(resolvePublished('my-scores', tmp)).toBe(path.join(tmp, 'my-scores'));
  });

  it('bundled names still resolve to configs/published', () => {
    expect(resolvePublished('llava-family', tmp)).toBe(DEFAULT_PUBLISHED_FILE);
  });
});
