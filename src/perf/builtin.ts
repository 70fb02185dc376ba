import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticImage } from './workload.ts';

/**
 * The performance suites' built-in sample set (`dataset: builtin`): deterministic images at sizes that
 * cost LLaVA-1.6 AnyRes different token counts (LLaVA-1.5 pays 576 for each) and a questions.jsonl in
 * the LLaVA model_vqa layout, so `images: dataset` works with no download.
 */
const SIZES: readonly [number, number][] = [[336, 336], [672, 672], [1008, 672], [640, 480]];
const PROMPTS = ['Describe this image in detail.', 'What is shown in the picture?', 'List the colours you see.', 'Write a short caption.'];
const VERSION = 'v1';

export async function ensurePerfBuiltin(fixturesDir: string): Promise<string> {
  const dir = join(fixturesDir, `perf-builtin-${VERSION}`);
  if (existsSync(join(dir, 'questions.jsonl'))) return dir;
  await mkdir(join(dir, 'images'), { recursive: true });
  const lines: string[] = [];
  for (const [i, [w, h]] of SIZES.entries()) {
    const img = await syntheticImage(w, h, 'jpeg', 1000 + i);
    const name = `perf-${w}x${h}.jpg`;
    await writeFile(join(dir, 'images', name), img.data);
    lines.push(JSON.stringify({ question_id: i, image: name, text: PROMPTS[i % PROMPTS.length] }));
  }
  // questions.jsonl last and atomically: its presence marks the set complete.
  await writeFile(join(dir, 'questions.jsonl.tmp'), `${lines.join('\n')}\n`);
  await rename(join(dir, 'questions.jsonl.tmp'), join(dir, 'questions.jsonl'));
  return dir;
}
