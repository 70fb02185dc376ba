/**
 * Harness overhead: 10,000 samples through the real runner (scheduler, scoring hook, journal) with an
 * instant in-process backend. Prints µs per sample and journal bytes per sample. Target: < 200 µs.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { runBenchmark } from '../src/runner/index.ts';
import { tempDir, writeEchoConfig } from '../test/helpers/run-config.ts';

const N = Number(process.env.BENCH_SAMPLES ?? 10_000);
const dir = tempDir('vlmbench-bench-runner-');
const config = writeEchoConfig(dir, { count: N, delayMs: 0, concurrency: 16, isolate: false });

let taskStart = 0;
let taskEnd = 0;
const wallStart = performance.now();
const outcome = await runBenchmark({
  configFile: config,
  overrides: { runId: 'bench' },
  events: {
    onTaskStart: () => { taskStart = performance.now(); },
    onTaskEnd: () => { taskEnd = performance.now(); },
  },
});
const wall = performance.now() - wallStart;
const journalBytes = statSync(path.join(outcome.runDir, 'samples.jsonl')).size;
const perSampleUs = ((taskEnd - taskStart) * 1000) / N;

console.log(`samples:                 ${N}`);
console.log(`execute phase:           ${(taskEnd - taskStart).toFixed(0)} ms`);
console.log(`whole run (plan→summary): ${wall.toFixed(0)} ms`);
console.log(`harness overhead:        ${perSampleUs.toFixed(1)} µs/sample (target < 200 µs) ${perSampleUs < 200 ? 'PASS' : 'MISS'}`);
console.log(`journal:                 ${(journalBytes / N).toFixed(0)} bytes/sample (${(journalBytes / 2 ** 20).toFixed(1)} MiB total)`);
