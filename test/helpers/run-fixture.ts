/**
 * Writes realistic synthetic run directories (manifest.json, samples.jsonl, summary.json, plus a small
 * dataset folder with JPEG images drawn by sharp) for N models × suites. Used by report/compare tests
 * and the report benchmark. Deterministic for a given seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { seededRandom, wilsonInterval } from '../../src/scoring/stats.ts';

export type FixtureSuiteKind = 'binary' | 'graded' | 'latency' | 'throughput';

/** Suites whose per-sample headline is 0/1; everything else quality is graded; perf by name. */
const BINARY = new Set(['scienceqa', 'vqa-binary', 'gqa', 'pope', 'mmbench', 'mmbench-cn', 'seed', 'vizwiz', 'mme']);

export function fixtureSuiteKind(suite: string): FixtureSuiteKind {
  if (suite === 'latency') return 'latency';
  if (suite === 'throughput') return 'throughput';
  return BINARY.has(suite) ? 'binary' : 'graded';
}

export interface RunFixtureOptions {
  /** Run directory to create (its parent gets a `datasets/` folder shared by runs). */
  dir: string;
  runId?: string;
  models: string[];
  suites: string[];
  samplesPerSuite: number;
  /** Distinct images per suite (samples cycle through them); 0 = no images. */
  imagesPerSuite?: number;
  /** Probability of a right answer per model (default 0.5…0.8 spread over models). */
  accuracy?: Record<string, number>;
  seed?: number;
  /** Last chance to change records (e.g. inject hostile text) before they are written. */
  mutate?: (rec: SampleRecord) => SampleRecord;
}

export interface RunFixture {
  dir: string;
  manifest: RunManifest;
  summary: RunSummary;
  samples: SampleRecord[];
}

async function writeImages(dir: string, count: number, seed: number): Promise<string[]> {
  const { default: sharp } = await import('sharp');
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `img_${String(i).padStart(4, '0')}.jpg`;
    const w = 160, h = 120;
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      raw[o] = (x * 3 + i * 37 + seed) & 255; raw[o + 1] = (y * 4 + i * 91) & 255; raw[o + 2] = ((x ^ y) + i * 13) & 255;
    }
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 80 }).toFile(path.join(dir, name));
    names.push(name);
  }
  return names;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
}

function perfRecord(model: string, suite: string, i: number, rand: () => number, modelIdx: number): Omit<SampleRecord, 'key' | 'finishedAt'> {
  const concurrency = suite === 'throughput' ? [1, 2, 4, 8][i % 4]! : 1;
  const ttft = 40 + 30 * modelIdx + 20 * concurrency * rand() + 10 * rand();
  const n = 16 + Math.floor(rand() * 16);
  const chunkMs: number[] = [];
  let t = ttft;
  for (let k = 0; k < n; k++) { chunkMs.push(Math.round(t * 10) / 10); t += 8 + 4 * modelIdx + 3 * concurrency * rand(); }
  return {
    model, suite, sampleId: `${suite}-${i}`, repeat: 0,
    input: { text: 'Describe the image in detail.', images: [] },
    output: 'A synthetic image with coloured stripes.', finishReason: 'length',
    usage: { promptTokens: 620, imageTokens: 576, completionTokens: n, source: 'backend' },
    timings: { startedAt: 1_764_000_000_000 + Math.floor(i / concurrency) * 500, firstTokenMs: chunkMs[0], chunkMs, chunkTokens: chunkMs.map(() => 1), endMs: chunkMs[n - 1]! },
    scores: {}, meta: { concurrency },
  };
}

function perfSummary(recs: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const ttft = recs.map((r) => r.timings!.firstTokenMs!).sort((a, b) => a - b);
  const e2e = recs.map((r) => r.timings!.endMs).sort((a, b) => a - b);
  const m = (v: number, n = recs.length) => ({ value: v, n, better: 'lower' as const, unit: 'ms' });
  return {
    n: recs.length, errors: 0, headline: 'ttft_p50',
    metrics: { ttft_p50: m(percentile(ttft, 0.5)), ttft_p95: m(percentile(ttft, 0.95)), e2e_p50: m(percentile(e2e, 0.5)) },
  };
}

function qualitySummary(kind: FixtureSuiteKind, recs: SampleRecord[], suite: string): Omit<SuiteSummary, 'model' | 'suite'> {
  const ok = recs.filter((r) => !r.error);
  const vals = ok.map((r) => r.scores.accuracy ?? 0);
  const mean = vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
  const summary: Omit<SuiteSummary, 'model' | 'suite'> = { n: recs.length, errors: recs.length - ok.length, headline: 'accuracy', metrics: {} };
  if (kind === 'binary') {
    const right = vals.filter((v) => v === 1).length;
    summary.metrics.accuracy = { value: mean, ci: wilsonInterval(right, vals.length), n: vals.length, better: 'higher' };
  } else {
    // Graded scores in percent, like LLaVA-Bench relative scores.
    summary.metrics.accuracy = { value: mean * 100, ci: [mean * 100 - 4, mean * 100 + 4], n: vals.length, better: 'higher', unit: '%' };
  }
  summary.metrics.answered = { value: ok.length / Math.max(1, recs.length), n: recs.length, better: 'higher' };
  if (suite === 'scienceqa') {
    // The scienceqa suite's table: LLaVA's official category strings ('%.2f', -1 for an empty category).
    const columns = ['Avg', 'NAT', 'SOC', 'LAN', 'TXT', 'IMG', 'NO', 'G1-6', 'G7-12'];
    const counts: Record<string, { correct: number; total: number; official: string | number }> = {};
    for (const c of columns) {
      const xs = ok.filter((r) => c === 'Avg' || r.meta?.subject === c || (c === 'IMG') || (c === 'G1-6')).map((r) => r.scores.accuracy ?? 0);
      const correct = xs.filter((v) => v === 1).length;
      counts[c] = { correct, total: xs.length, official: xs.length ? ((100 * correct) / xs.length).toFixed(2) : -1 };
    }
    summary.tables = { scienceqa: { columns, official: Object.fromEntries(columns.map((c) => [c, counts[c]!.official])), counts } };
  }
  return summary;
}

export async function writeRunFixture(opts: RunFixtureOptions): Promise<RunFixture> {
  const seed = opts.seed ?? 1;
  const rand = seededRandom(seed);
  const runId = opts.runId ?? path.basename(opts.dir);
  const datasetsRoot = path.join(path.dirname(opts.dir), 'datasets');
  await mkdir(opts.dir, { recursive: true });
  const samples: SampleRecord[] = [];
  const results: SuiteSummary[] = [];
  const datasets: RunManifest['datasets'] = {};
  const finishedAt = '2026-11-27T12:00:00.000Z';
  for (const suite of opts.suites) {
    const kind = fixtureSuiteKind(suite);
    const dsDir = path.join(datasetsRoot, suite);
    const images = kind === 'binary' || kind === 'graded' ? await writeImages(path.join(dsDir, 'images'), opts.imagesPerSuite ?? 0, seed) : [];
    datasets[suite] = { path: dsDir, hash: `sha256:${suite}${seed}` };
    // The truth per item is shared by models so that paired comparisons see correlated items.
    const difficulty = Array.from({ length: opts.samplesPerSuite }, () => rand());
    opts.models.forEach((model, mi) => {
      const acc = opts.accuracy?.[model] ?? 0.5 + (0.3 * mi) / Math.max(1, opts.models.length - 1);
      const recs: SampleRecord[] = [];
      for (let i = 0; i < opts.samplesPerSuite; i++) {
        let rec: Omit<SampleRecord, 'key' | 'finishedAt'>;
        if (kind === 'latency' || kind === 'throughput') {
          rec = perfRecord(model, suite, i, rand, mi);
        } else {
          const right = difficulty[i]! < acc;
          const score = kind === 'binary' ? (right ? 1 : 0) : right ? [1, 0.6, 1][i % 3]! : [0, 0.3][i % 2]!;
          const choice = 'ABCD'[i % 4]!;
          const errored = i % 23 === 22;
          rec = {
            model, suite, sampleId: `${suite}-${i}`, repeat: 0,
            prompt: `USER: <image>\nQuestion ${i} about ${suite}: which option is right?\nA. red\nB. green\nC. blue\nD. none\nAnswer with the option's letter from the given choices directly. ASSISTANT:`,
            input: { text: `Question ${i} about ${suite}: which option is right?`, images: images.length ? [`images/${images[i % images.length]}`] : [] },
            reference: choice,
            scores: errored ? {} : { accuracy: score },
            meta: { subject: ['NAT', 'SOC', 'LAN'][i % 3], imageId: i % Math.max(1, images.length) },
            ...(errored
              ? { error: { code: 'E_TIMEOUT' as const, message: 'request timed out after 600000 ms', retryable: true }, attempts: 3 }
              : { output: right ? choice : 'ABCD'[(i + 1) % 4]!, finishReason: 'stop' as const, usage: { promptTokens: 600, completionTokens: 2, source: 'backend' as const } }),
          };
        }
        let full: SampleRecord = { ...rec, key: `${model}|${suite}|${rec.sampleId}|0`, finishedAt };
        if (opts.mutate) full = opts.mutate(full);
        recs.push(full);
      }
      samples.push(...recs);
      const agg = kind === 'latency' || kind === 'throughput' ? perfSummary(recs) : qualitySummary(kind, recs, suite);
      results.push({ model, suite, ...agg });
    });
  }
  const manifest: RunManifest = {
    runId, createdAt: finishedAt, vlmbenchVersion: '0.1.0', gitCommit: 'abc1234', node: 'v20.20.2',
    packages: { sharp: '0.35.5', vega: '6.4.0' }, config: { name: 'fixture' }, configHash: `cfg${seed}`,
    models: opts.models.map((id, i) => ({
      id, family: 'llava-1.5', template: 'llava_v1', backend: i % 2 ? 'onnx' : 'llama-cpp', device: 'cpu',
      runtime: i % 2 ? 'onnxruntime-node 1.30.0 (CPUExecutionProvider)' : '@fugood/llama.node 1.7.15',
      files: [{ path: `models/${id}.gguf`, size: 1234567, sha256: `${'ab'.repeat(31)}${String(i).padStart(2, '0')}` }],
    })),
    datasets, templateHashes: Object.fromEntries(opts.models.map((m) => [m, 'tmplhash1'])),
    hardware: { cpuModel: 'Synthetic CPU', cores: 2, memoryGiB: 8, gpus: [], platform: 'linux-x64', id: 'hw01' },
  };
  const summary: RunSummary = { runId, createdAt: finishedAt, configHash: manifest.configHash, results };
  await writeFile(path.join(opts.dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(opts.dir, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeFile(path.join(opts.dir, 'samples.jsonl'), samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  return { dir: opts.dir, manifest, summary, samples };
}
