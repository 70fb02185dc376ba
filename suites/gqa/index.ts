import type { Suite } from '../../src/core/suite.ts';
import { gqaSuite } from './suite.ts';

export { gqaSuite, aggregateGqa, describeGqa, loadGqa, GqaOptions, GQA_METRICS, type GqaDoc } from './suite.ts';

export const suites: Suite[] = [gqaSuite as Suite];
