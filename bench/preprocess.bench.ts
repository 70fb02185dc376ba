/**
 * npm run bench:preprocess — images per second through the family preprocessing, from a 1024×768
 * q90 JPEG (synthetic, seeded): LLaVA-1.5 pad→336 and LLaVA-1.6 AnyRes, one and two at a time, with
 * the exact resampler (PIL port, the default) and the sharp fast path; plus two worker threads,
 * since the exact resampler is JavaScript and one thread cannot use the second core.
 *
 * Options (env): BENCH_SECONDS (per measurement, default 3).
 */
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { getFamily } from '../src/families/index.ts';
import type { PreprocessOptions } from '../src/families/types.ts';
import { loadImage } from '../src/image/load.ts';
import { normalizeToCHW, padToSquare, resizeBicubic, resizeSharpCubic } from '../src/image/ops.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function makeJpeg(): Promise<Buffer> {
  const w = 1024;
  const h = 768;
  const raw = Buffer.alloc(w * h * 3);
  let s = 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const n = (s >> 26) - 16; // a little noise on smooth gradients and blocks, photo-like entropy
      const i = (y * w + x) * 3;
      raw[i] = Math.max(0, Math.min(255, ((x * 255) / w + n) | 0));
      raw[i + 1] = Math.max(0, Math.min(255, ((y * 255) / h + n) | 0));
      raw[i + 2] = Math.max(0, Math.min(255, ((((x >> 5) + (y >> 5)) & 1 ? 200 : 60) + n)));
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

type Job = { family: 'llava-1.5' | 'llava-1.6'; opts: PreprocessOptions };

interface Rate { perSecond: number; cpuMsPerImage?: number }

/**
 * Run `inFlight` loops of `job` for SECONDS: images per second (wall clock) and process CPU time per
 * image (all threads). On a shared machine the wall figure depends on the load; the CPU figure does
 * not, and 1000 / cpuMs × cores is what an idle machine would reach at best.
 */
async function measure(jpeg: Buffer, job: Job, inFlight: number): Promise<Rate> {
  const family = getFamily(job.family);
  const src = { kind: 'buffer' as const, data: jpeg, name: 'bench.jpg' };
  for (let i = 0; i < 3; i++) await family.preprocess(src, job.opts); // warm up (JIT, sharp)
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) { await family.preprocess(src, job.opts); done++; }
  }));
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: done / ((performance.now() - started) / 1000), cpuMsPerImage: (cpu.user + cpu.system) / 1000 / done };
}

/** Same, split over `threads` worker threads each running one loop. */
async function measureWorkers(jpeg: Buffer, job: Job, threads: number): Promise<Rate> {
  const rates = await Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it, then import this file (data: URL bootstrap).
    const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { jpeg, job } });
    w.once('message', (rate: Rate) => { resolve(rate.perSecond); void w.terminate(); });
    w.once('error', reject);
  })));
  return { perSecond: rates.reduce((a, b) => a + b, 0) };
}

/** Where the time goes for one pad→336 image (ms, mean of n). */
async function breakdown(jpeg: Buffer, n = 30): Promise<Record<string, number>> {
  const t: Record<string, number> = { decode: 0, pad: 0, 'resize pil-port': 0, 'resize sharp': 0, normalise: 0 };
  const mean = [0.48145466, 0.4578275, 0.40821073] as const;
  const std = [0.26862954, 0.26130258, 0.27577711] as const;
  for (let i = 0; i < n + 3; i++) {
    const warm = i < 3;
    let a = performance.now();
    const raw = await loadImage({ kind: 'buffer', data: jpeg });
    let b = performance.now(); if (!warm) t.decode! += b - a;
    a = b; const sq = padToSquare(raw, [122, 116, 104]); b = performance.now(); if (!warm) t.pad! += b - a;
    a = b; const r = await resizeBicubic(sq, 336, 336); b = performance.now(); if (!warm) t['resize pil-port']! += b - a;
    a = b; await resizeSharpCubic(sq, 336, 336); b = performance.now(); if (!warm) t['resize sharp']! += b - a;
    a = b; normalizeToCHW(r, mean, std); b = performance.now(); if (!warm) t.normalise! += b - a;
  }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v / n]));
}

async function main(): Promise<void> {
  sharp.concurrency(1); // one libvips thread per pipeline: parallelism comes from images in flight
  const jpeg = await makeJpeg();
  console.log(`preprocess bench: 1024x768 q90 JPEG (${(jpeg.length / 1024).toFixed(0)} KB), ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${SECONDS}s per figure, sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`);
  const b = await breakdown(jpeg);
  console.log(`per image (ms): ${Object.entries(b).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  const rows: Array<[string, Job, 'flight' | 'threads', number]> = [
    ['llava-1.5 pad→336, exact (PIL port)', { family: 'llava-1.5', opts: {} }, 'flight', 1],
    ['llava-1.5 pad→336, exact (PIL port)', { family: 'llava-1.5', opts: {} }, 'flight', 2],
    ['llava-1.5 pad→336, exact (PIL port)', { family: 'llava-1.5', opts: {} }, 'threads', 2],
    ['llava-1.5 pad→336, sharp fast path', { family: 'llava-1.5', opts: { resampler: 'sharp' } }, 'flight', 1],
    ['llava-1.5 pad→336, sharp fast path', { family: 'llava-1.5', opts: { resampler: 'sharp' } }, 'flight', 2],
    ['llava-1.5 pad→336, sharp fast path', { family: 'llava-1.5', opts: { resampler: 'sharp' } }, 'flight', 4],
    ['llava-1.5 pad→336, sharp fast path', { family: 'llava-1.5', opts: { resampler: 'sharp' } }, 'threads', 2],
    ['llava-1.6 AnyRes (5 tiles), exact', { family: 'llava-1.6', opts: {} }, 'flight', 1],
    ['llava-1.6 AnyRes (5 tiles), exact', { family: 'llava-1.6', opts: {} }, 'flight', 2],
    ['llava-1.6 AnyRes (5 tiles), exact', { family: 'llava-1.6', opts: {} }, 'threads', 2],
    ['llava-1.6 AnyRes (5 tiles), sharp fast path', { family: 'llava-1.6', opts: { resampler: 'sharp' } }, 'flight', 2],
  ];
  for (const [label, job, how, n] of rows) {
    const rate = how === 'flight' ? await measure(jpeg, job, n) : await measureWorkers(jpeg, job, n);
    const cpu = rate.cpuMsPerImage === undefined ? '' : `   CPU ${rate.cpuMsPerImage.toFixed(1)} ms/img`;
    console.log(`${label.padEnd(46)} ${how === 'flight' ? `${n} in flight   ` : `${n} worker threads`}  ${rate.perSecond.toFixed(1).padStart(6)} img/s${cpu}`);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

if (isMainThread) {
  await main();
} else {
  const { jpeg, job } = workerData as { jpeg: Uint8Array; job: Job };
  parentPort!.postMessage(await measure(Buffer.from(jpeg), job, 1));
}
