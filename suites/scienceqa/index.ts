import type { Suite } from '../../src/core/suite.ts';
import { scienceqaSuite } from './suite.ts';

export { scienceqaSuite, describeSqa, ScienceQAOptions } from './suite.ts';
export { aggregateScienceQA, SQA_METRICS } from './aggregate.ts';
export { loadLlava, loadOfficial, detectFormat, type SqaDoc } from './load.ts';
export { sqaCqmInput, sqaLlavaHumanTurn } from '../../src/scoring/sqa-prompt.ts';

export const suites: Suite[] = [scienceqaSuite as Suite];
