import { randomUUID } from 'node:crypto';
import type { PerfDriver } from '../core/suite.ts';
import type { VlmRequest } from '../core/request.ts';
import { seededRandom } from '../scoring/stats.ts';
import { arrivalOffsetsMs } from './arrivals.ts';
import { startClientMonitor } from './client-monitor.ts';
import type { PointMeta } from './load-stats.ts';
import { perfRecord, type LoadPoint } from './record.ts';
import type { WorkItem } from './workload.ts';

/**
 * Runs one load point through the runner's driver: warm-up requests first (not recorded), then the
 * measured requests — closed loop with `concurrency` in flight, or open loop on a seeded Gamma/Poisson
 * schedule — each journaled as it finishes, then one 'load-point' record with the client's health.
 * Resume: requests already journaled are skipped; a point whose record exists is skipped entirely.
 */
export interface RunPointOptions {
  driver: PerfDriver;
  point: LoadPoint;
  items: readonly WorkItem[];
  warmup: number;
  repeat?: number;
  /** Image-token count from the model family for an image size, when known. */
  imageTokens?: (width: number, height: number) => number | null;
  backend: { type: string; parallelSequences: number | null; cpuShared?: boolean };
}

export const requestId = (label: string, i: number): string => `${label}/r${i}`;
export const pointId = (label: string): string => `${label}/point`;

/** Resolves at `target` (performance.now() ms), or at once when the signal aborts (a slow rate may sleep for minutes). */
function sleepUntil(target: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const tick = () => {
      const left = target - performance.now();
      if (left <= 0 || signal.aborted) done();
      else timer = setTimeout(tick, left > 1 ? left - 0.5 : 0);
    };
    signal.addEventListener('abort', done, { once: true });
    tick();
  });
}

/** A tiny counting semaphore (rate mode's optional max-concurrency cap). */
function semaphore(n: number) {
  let free = n;
  const waiters: (() => void)[] = [];
  return {
    acquire: () => new Promise<void>((resolve) => { if (free > 0) { free--; resolve(); } else waiters.push(resolve); }),
    release: () => { const w = waiters.shift(); if (w) w(); else free++; },
  };
}

/** Σ of the family's image-token counts over a request's images; null when unknown or imageless. */
function familyImageTokenSum(item: WorkItem, imageTokens: RunPointOptions['imageTokens']): number | null {
  if (!imageTokens || item.images.length === 0) return null;
  let sum = 0;
  for (const im of item.images) {
    const n = imageTokens(im.width, im.height);
    if (n === null) return null;
    sum += n;
  }
  return sum;
}

export async function runLoadPoint(opts: RunPointOptions): Promise<'ran' | 'skipped'> {
  const { driver, point, items } = opts;
  const repeat = opts.repeat ?? 0;
  if (driver.done.has(pointId(point.label))) return 'skipped';
  const signal = driver.signal;
  const concurrency = Math.max(1, point.concurrency ?? 1);
  const toRequest = (i: number): VlmRequest => {
    const it = items[i % items.length]!;
    return { sampleId: requestId(point.label, i), messages: it.messages, params: it.params };
  };

  // Warm-up: JIT, KV allocation, new connections; at the point's concurrency, never journaled.
  const warm = Array.from({ length: opts.warmup }, (_, i) => i);
  const warmWorker = async () => { for (let i = warm.shift(); i !== undefined && !signal.aborted; i = warm.shift()) await driver.send({ ...toRequest(i), sampleId: `${point.label}/warmup${i}` }); };
  await Promise.all(Array.from({ length: Math.min(concurrency, opts.warmup) }, warmWorker));

  const todo = items.map((_, i) => i).filter((i) => !driver.done.has(requestId(point.label, i)));
  const segment = randomUUID();
  let journal: Promise<void> = Promise.resolve();
  const monitor = startClientMonitor();
  let client: PointMeta['client'] | undefined;
  const stopMonitor = () => (client ??= monitor.stop());
  const t0 = performance.now();

  const one = async (i: number, tScheduledMs?: number) => {
    const tSendMs = performance.now() - t0;
    // No per-request signal: the runner's scheduler already stops on the run's signal, and one
    // listener per in-flight request on a shared signal would only pile up.
    const result = await driver.send(toRequest(i));
    const tDoneMs = performance.now() - t0;
    const it = items[i % items.length]!;
    const rec = perfRecord({
      sampleId: requestId(point.label, i), repeat, point, segment, tSendMs, tScheduledMs, tDoneMs, text: it.text,
      imageNames: it.images.map((im) => im.name), imageBytes: it.imageBytes,
      imageSizes: it.images.map((im) => `${im.width}x${im.height}`),
      imageTokensFamily: familyImageTokenSum(it, opts.imageTokens),
    }, result);
    // Journal in completion order, one append at a time.
    journal = journal.then(() => driver.record(rec));
    await journal;
  };

  try {
    if (point.mode === 'rate') {
      const offsets = arrivalOffsetsMs({ count: todo.length, ratePerS: point.ratePerS ?? Infinity, burstiness: point.burstiness ?? 1, random: seededRandom(point.seed ?? 0) });
      const cap = point.concurrency ? semaphore(point.concurrency) : null;
      const running: Promise<void>[] = [];
      // Requests run while the loop still sleeps for the next arrival: catch each at once (an uncaught
      // rejection there would crash the process), stop scheduling, and rethrow the first failure.
      let failure: { error: unknown } | undefined;
      for (let k = 0; k < todo.length && !signal.aborted && !failure; k++) {
        await sleepUntil(t0 + offsets[k]!, signal);
        if (signal.aborted || failure) break;
        running.push((async () => {
          if (cap) await cap.acquire();
          try { await one(todo[k]!, offsets[k]!); } finally { cap?.release(); }
        })().catch((error: unknown) => { failure ??= { error }; }));
      }
      await Promise.all(running);
      if (failure) throw failure.error;
    } else {
      let next = 0;
      const worker = async () => { while (next < todo.length && !signal.aborted) await one(todo[next++]!); };
      await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    }
  } finally {
    stopMonitor();
  }
  await journal;
  if (signal.aborted) return 'ran';

  const meta: PointMeta = {
    kind: 'load-point', load: point.label, mode: point.mode, segment, point, requests: todo.length,
    warmup_requests: opts.warmup, wall_ms: performance.now() - t0, client: stopMonitor(), backend: opts.backend.type,
    parallel_sequences: opts.backend.parallelSequences, cpu_shared: opts.backend.cpuShared ?? false,
  };
  await driver.record({ sampleId: pointId(point.label), repeat, scores: {}, meta: { ...meta } });
  return 'ran';
}
