import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureGeneratedDir } from '../fixtures/generated-dir.ts';
import { syntheticImage } from './workload.ts';

/**
 * The performance suites' built-in sample set (`dataset: builtin`): deterministic images at sizes that
 * cost LLaVA-1.6 AnyRes different token counts (LLaVA-1.5 pays 576 for each) and a questions.jsonl in
 * the LLaVA model_vqa layout, so `images: dataset` works with no download.
 */
const SIZES: readonly [number, number][] = [[336, 336], [672, 672], [1008, 672], [640, 480]];
const PROMPTS = ['Describe this image in detail.', 'What is shown in the picture?', 'List the colours you see.', 'Write a short caption.'];
const VERSION = 'perf-builtin-v1';

/** Generated once per fixtures folder; concurrent callers (both perf suites, shards, test workers) share it. */
export async function ensurePerfBuiltin(fixturesDir: string): Promise<string> {
  return ensureGeneratedDir(join(fixturesDir, 'perf-builtin-v1'), VERSION, async (tmp) => {
    await mkdir(join(tmp, 'images'), { recursive: true });
    const lines: string[] = [];
    for (const [i, [w, h]] of SIZES.entries()) {
      const img = await syntheticImage(w, h, 'jpeg', 1000 + i);
      const name = `perf-${w}x${h}.jpg`;
      await writeFile(join(tmp, 'images', name), img.data);
      lines.push(JSON.stringify({ question_id: i, image: name, text: PROMPTS[i % PROMPTS.length] }));
    }
    await writeFile(join(tmp, 'questions.jsonl'), `${lines.join('\n')}\n`);
  });
}
