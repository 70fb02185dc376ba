import type { Suite } from '../../src/core/suite.ts';
import { mmvetSuite } from './suite.ts';

export { mmvetSuite, aggregateMmvet, describeMmvet, gradeMmvet, loadMmvet, MmvetOptions, MMVET_CAPABILITIES, MMVET_METRICS, type MmvetDoc, type MmvetGrade } from './suite.ts';

export const suites: Suite[] = [mmvetSuite as Suite];
