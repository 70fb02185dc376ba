import type { Suite } from '../../src/core/suite.ts';
import { mmbenchSuite } from './suite.ts';

export { mmbenchSuite, aggregateMmbench, describeMmbench, MmbenchOptions, MMBENCH_METRICS } from './suite.ts';
export { loadMmbench, mmbenchFile, mmbenchPrompt, type MmbenchDoc } from './load.ts';
export { parseTsv, readTsv } from './tsv.ts';

/** MMBench and MMBench-CN: the same suite in English and Chinese (model_vqa_mmbench.py --lang cn). */
export const suites: Suite[] = [mmbenchSuite('en') as Suite, mmbenchSuite('cn') as Suite];
