import type { Suite } from '../../src/core/suite.ts';
import { vqav2Suite } from './suite.ts';

export { vqav2Suite, aggregateVqa, describeVqa, Vqav2Options, VQAV2_METRICS } from './suite.ts';
export { loadVqav2, vqav2Files, type VqaDoc } from './load.ts';

export const suites: Suite[] = [vqav2Suite as Suite];
