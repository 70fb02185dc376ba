import type { Suite } from '../../src/core/suite.ts';
import { mmeSuite } from './suite.ts';

export { mmeSuite, aggregateMme, describeMme, loadMme, MmeOptions, MME_METRICS, type MmeDoc } from './suite.ts';

export const suites: Suite[] = [mmeSuite as Suite];
