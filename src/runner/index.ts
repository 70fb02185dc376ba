export { runBenchmark, type RunOptions, type RunOutcome } from './run.ts';
export type { RunEvents, Shard } from './context.ts';
export type { RunOverrides } from './plan.ts';
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.ts';
export { retryDelayMs } from './retry-policy.ts';
export { loadBackend } from './backends.ts';
export { sampleKey, Journal } from './journal.ts';
export { inShard } from './shard.ts';
