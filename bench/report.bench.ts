/**
 * Report generation at scale: 5 models × 12 radar axes (one suite per axis) × 10,000 samples in total,
 * with a distinct image per sample id (2,004 images, so the thumbnail cap of 400 applies). Targets: under 3 s and under 5 MB. Prints the figures.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeReport } from '../src/report/index.ts';
import { writeRunFixture } from '../test/helpers/run-fixture.ts';

const SUITES = ['vqav2', 'gqa', 'vizwiz', 'scienceqa', 'textvqa', 'pope', 'mme', 'mmbench', 'mmbench-cn', 'seed', 'llava-bench', 'mm-vet'];
const MODELS = ['llava-1.5-7b-q4', 'llava-1.5-7b-f16', 'llava-1.6-vicuna-7b', 'tinyllava-3.1b', 'vila1.5-3b'];
const PER_SUITE = Math.ceil(10_000 / (SUITES.length * MODELS.length));

const tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-bench-report-'));
try {
  const t0 = performance.now();
  const fx = await writeRunFixture({ dir: path.join(tmp, 'run'), models: MODELS, suites: SUITES, samplesPerSuite: PER_SUITE, imagesPerSuite: PER_SUITE });
  console.log(`fixture: ${fx.samples.length} samples, ${SUITES.length * PER_SUITE} distinct images, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const runs: Array<{ ms: number; cpuMs: number; bytes: number }> = [];
  for (let i = 0; i < 3; i++) {
    const out = path.join(tmp, `report-${i}.html`);
    const t = performance.now();
    const cpu = process.cpuUsage();
    await writeReport([fx.dir], { out });
    const used = process.cpuUsage(cpu);
    runs.push({ ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, bytes: (await stat(out)).size });
  }
  const [cold, ...warm] = runs;
  const mib = (b: number) => (b / (1024 * 1024)).toFixed(2);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  // CPU time (all threads) shows how much of the wall time is this process's work on a shared machine.
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`report (cold, incl. loading vega/vega-lite/sharp): wall ${s(cold!.ms)} s, cpu ${s(cold!.cpuMs)} s, ${mib(cold!.bytes)} MiB (${cold!.bytes} bytes)`);
  console.log(`report (warm, 2 more runs): wall ${warm.map((r) => s(r.ms)).join(' s, ')} s; cpu ${warm.map((r) => s(r.cpuMs)).join(' s, ')} s`);
  console.log(`targets: < 3 s ${cold!.ms < 3000 ? 'met' : 'MISSED'}, < 5 MB ${cold!.bytes < 5_000_000 ? 'met' : 'MISSED'}`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
