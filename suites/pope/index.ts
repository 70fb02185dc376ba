import type { Suite } from '../../src/core/suite.ts';
import { popeSuite } from './suite.ts';

export { popeSuite, aggregatePope, describePope, loadPope, scorePope, PopeOptions, POPE_CATEGORIES, POPE_METRICS, type PopeDoc } from './suite.ts';

export const suites: Suite[] = [popeSuite as Suite];
