import type { Suite } from '../../src/core/suite.ts';
import { vizwizSuite } from './suite.ts';

export { vizwizSuite, loadVizwiz, VizwizOptions, VIZWIZ_METRICS } from './suite.ts';

export const suites: Suite[] = [vizwizSuite as Suite];
