import type { Suite } from '../../src/core/suite.ts';
import { llavaBenchSuite } from './suite.ts';

export { llavaBenchSuite, LlavaBenchOptions } from './suite.ts';
export { loadLlavaBench, type LlavaBenchDoc } from './load.ts';

/** LLaVA-Bench categories as separate suites (the LLaVA papers' three columns), plus all three together. */
export const suites: Suite[] = [
  llavaBenchSuite('conversation', 'LLaVA-Bench conversation (conv): short questions about the image, judged against GPT-4 answers', ['conv']),
  llavaBenchSuite('detail', 'LLaVA-Bench detailed description (detail): judged against GPT-4 descriptions', ['detail']),
  llavaBenchSuite('reasoning', 'LLaVA-Bench complex reasoning (complex): judged against GPT-4 answers', ['complex']),
  llavaBenchSuite('llava-bench', 'LLaVA-Bench, all three categories with per-category and overall relative scores', ['conv', 'detail', 'complex']),
] as Suite[];
