import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticImage } from './workload.ts';

/**
 * The performance suites' built-in sample set (`dataset: builtin`): deterministic images at sizes that
 * cost LLaVA-1.6 AnyRes different token counts (LLaVA-1.5 pays 576 for each) and a questions.jsonl in
 * the LLaVA model_vqa layout, so `images: dataset` works with no download.
 */
const SIZES: readonly [number, number][] = [[336, 336], [672, 672], [1008, 672], [640, 480]];
const PROMPTS = ['Describe this image in detail.', 'What is shown in the picture?', 'List the colours you see.', 'Write a short caption.'];
const VERSION = 'perf-builtin-v1';

const isComplete = async (dir: string) => existsSync(join(dir, '.complete')) && (await readFile(join(dir, '.complete'), 'utf8')) === VERSION;
const scratch = (dir: string, what: string) => `${dir}.${what}-${process.pid}-${randomBytes(6).toString('hex')}`;

/**
 * Callers at the same time (both perf suites of a run, parallel shards, test workers) must neither see
 * nor overwrite a half-written set: each writes a private folder and renames it into place; a complete
 * set already there wins, and only an incomplete one is moved aside (never removed under a reader).
 */
export async function ensurePerfBuiltin(fixturesDir: string): Promise<string> {
  const dir = join(fixturesDir, 'perf-builtin-v1');
  if (await isComplete(dir)) return dir;
  const tmp = scratch(dir, 'tmp');
  try {
    await mkdir(join(tmp, 'images'), { recursive: true });
    const lines: string[] = [];
    for (const [i, [w, h]] of SIZES.entries()) {
      const img = await syntheticImage(w, h, 'jpeg', 1000 + i);
      const name = `perf-${w}x${h}.jpg`;
      await writeFile(join(tmp, 'images', name), img.data);
      lines.push(JSON.stringify({ question_id: i, image: name, text: PROMPTS[i % PROMPTS.length] }));
    }
    await writeFile(join(tmp, 'questions.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(join(tmp, '.complete'), VERSION);
    if (await isComplete(dir)) return dir;
    if (existsSync(dir)) {
      // An incomplete set (an older layout, an interrupted write): move it aside; another caller may beat us to it.
      const old = scratch(dir, 'old');
      await rename(dir, old).then(() => rm(old, { recursive: true, force: true }), () => {});
    }
    try {
      await rename(tmp, dir);
    } catch (err) {
      if (!(await isComplete(dir))) throw err; // someone else's identical set landed first
    }
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
