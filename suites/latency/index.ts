import type { Suite } from '../../src/core/suite.ts';
import { latencySuite } from './latency.ts';

export const suites: Suite[] = [latencySuite as Suite];
