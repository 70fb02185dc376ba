import type { Suite } from '../../src/core/suite.ts';
import { throughputSuite } from './throughput.ts';

export const suites: Suite[] = [throughputSuite as Suite];
