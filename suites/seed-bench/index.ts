import type { Suite } from '../../src/core/suite.ts';
import { seedSuite } from './suite.ts';

export { seedSuite, aggregateSeed, describeSeed, loadSeed, SeedOptions, SEED_METRICS, type SeedDoc } from './suite.ts';

export const suites: Suite[] = [seedSuite as Suite];
