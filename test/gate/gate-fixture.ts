/**
 * Writes minimal run directories with exactly chosen per-sample scores, for gate tests. Records and
 * summaries have the shape the registered suites write (per-sample key, meta fields, headline), so the
 * gate pairs them through the suites' own pairing declarations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { sampleKey } from '../../src/runner/journal.ts';

export interface BenchScores { suite: 'scienceqa' | 'textvqa' | 'ocrbench'; scores: number[]; errors?: number; clusters?: string[] }

/** Per registered suite: the per-sample key, the meta its declaration filters on, its headline and scale. */
const SHAPE = {
  scienceqa: { key: 'correct', meta: { hasImage: true }, headline: 'img_accuracy', unit: '%', value: (xs: number[]) => mean(xs) * 100 },
  textvqa: { key: 'vqa_accuracy', meta: { format: 'textvqa' }, headline: 'textvqa_accuracy', unit: '%', value: (xs: number[]) => mean(xs) * 100 },
  ocrbench: { key: 'ocrbench', meta: { format: 'ocrbench' }, headline: 'ocrbench_score', unit: 'points', value: (xs: number[]) => xs.reduce((a, b) => a + b, 0) },
} as const;
const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;

export function binaryPair(n: number, baseRight: number, b: number, c: number): { base: number[]; cur: number[] } {
  const base = Array.from({ length: n }, (_, i) => (i < baseRight ? 1 : 0));
  const cur = base.map((v, i) => (i < b ? 0 : i >= baseRight && i < baseRight + c ? 1 : v));
  return { base, cur };
}

export function writeGateRun(dir: string, benches: BenchScores[], opts: { model?: string; templateHash?: string; configHash?: string; evalHash?: string; hardwareId?: string; perf?: Record<string, number> } = {}): string {
  const model = opts.model ?? 'm';
  mkdirSync(dir, { recursive: true });
  const samples: SampleRecord[] = [];
  const results: SuiteSummary[] = [];
  for (const b of benches) {
    const shape = SHAPE[b.suite];
    b.scores.forEach((s, i) => samples.push({
      key: sampleKey(model, b.suite, `q${i}`), model, suite: b.suite, sampleId: `q${i}`, repeat: 0,
      scores: { [shape.key]: s }, meta: { ...shape.meta, ...(b.clusters ? { imageId: b.clusters[i] } : {}) }, finishedAt: '2026-01-01T00:00:00Z',
    }));
    results.push({ model, suite: b.suite, n: b.scores.length + (b.errors ?? 0), errors: b.errors ?? 0, headline: shape.headline, metrics: { [shape.headline]: { value: shape.value(b.scores), n: b.scores.length, better: 'higher', unit: shape.unit } } });
  }
  if (opts.perf) {
    results.push({ model, suite: 'latency', n: 30, errors: 0, headline: 'ttft_p90', metrics: Object.fromEntries(Object.entries(opts.perf).map(([k, v]) => [k, { value: v, n: 30, better: k.includes('tok') ? 'higher' : 'lower', unit: k.includes('tok') ? 'tok/s' : 'ms' }])) });
  }
  const manifest = {
    runId: path.basename(dir), createdAt: '2026-01-01T00:00:00Z', vlmbenchVersion: '0.1.0', node: 'v20', packages: {}, config: {},
    configHash: opts.configHash ?? 'cfg1', evaluationHashes: Object.fromEntries(benches.map((b) => [`suites.${b.suite}`, opts.evalHash ?? 'e1'])), models: [{ id: model, family: 'llava-1.5', backend: 'custom', files: [] }],
    datasets: Object.fromEntries(benches.map((b) => [b.suite, { path: `/data/${b.suite}`, hash: `h-${b.suite}` }])),
    templateHashes: { [model]: opts.templateHash ?? 't1' },
    hardware: { cpuModel: 'x', cores: 2, memoryGiB: 8, gpus: [], platform: 'linux-x64', id: opts.hardwareId ?? 'hw1' },
  } satisfies RunManifest;
  writeFileSync(path.join(dir, 'samples.jsonl'), samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ runId: manifest.runId, createdAt: manifest.createdAt, configHash: manifest.configHash, results }));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}
