import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { ImageError } from '../core/errors.ts';

/**
 * A small pool of worker threads, each running one exported async function of a module, for the
 * CPU-bound preprocessing (the exact resampler is JS/WebAssembly and runs on the thread that calls it;
 * sharp's decode already runs on libuv threads). Opt-in: nothing starts until createWorkerPool is
 * called. Workers run the TypeScript sources through tsx, as bin/vlmbench.js does. Tasks queue FIFO;
 * each worker takes one at a time. ArrayBuffers inside results come back transferred, not copied.
 */

export interface WorkerPool<A extends unknown[], R> {
  readonly threads: number;
  run(...args: A): Promise<R>;
  /** Stop the workers; queued and running tasks reject. */
  close(): Promise<void>;
}

interface Task { id: number; args: unknown[]; resolve(v: unknown): void; reject(e: unknown): void }
interface Reply { id: number; ok: boolean; value?: unknown; error?: { message: string; code?: string; file?: string; hint?: string } }

function tsxApiUrl(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  }
}

/** An error from a worker, rebuilt with its class where it is one of ours (ImageError). */
function rebuild(e: NonNullable<Reply['error']>): Error {
  if (e.code === 'E_IMAGE') return new ImageError(e.message, { file: e.file, hint: e.hint });
  return new Error(e.message);
}

export async function createWorkerPool<A extends unknown[], R>(
  module: URL, exportName: string, opts: { threads?: number } = {},
): Promise<WorkerPool<A, R>> {
  const threads = Math.max(1, opts.threads ?? 2);
  const { Worker: WorkerCtor } = await import('node:worker_threads');
  const boot = [
    `import { register } from ${JSON.stringify(tsxApiUrl())};`,
    'register();',
    `await import(${JSON.stringify(new URL('./pool-worker.ts', import.meta.url).href)});`,
  ].join('\n');
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task>();
  const live = new Set<Worker>();
  let closed = false;
  let nextId = 0;

  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      const task = queue.shift()!;
      busy.set(w, task);
      w.ref(); // a running task keeps the process alive; an idle worker does not
      w.postMessage({ id: task.id, args: task.args });
    }
  };
  const workers = Array.from({ length: threads }, () => {
    const w = new WorkerCtor(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
      workerData: { module: module.href, exportName },
    });
    w.on('message', (m: Reply) => {
      const task = busy.get(w);
      busy.delete(w);
      w.unref();
      idle.push(w);
      if (task && task.id === m.id) {
        if (m.ok) task.resolve(m.value); else task.reject(rebuild(m.error!));
      }
      pump();
    });
    w.on('error', (err) => {
      const task = busy.get(w);
      busy.delete(w);
      task?.reject(err);
    });
    // A worker that ends (crash, process.exit in the task, failed start) takes no more tasks; its task
    // and, once no worker is left, everything queued reject instead of waiting forever.
    w.on('exit', (code) => {
      live.delete(w);
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
      if (closed) return;
      const err = new Error(`pool worker exited with code ${code}; ${live.size} of ${threads} workers left`);
      busy.get(w)?.reject(err);
      busy.delete(w);
      if (live.size === 0) for (const t of queue.splice(0)) t.reject(err);
    });
    w.unref();
    idle.push(w);
    live.add(w);
    return w;
  });

  return {
    threads,
    run(...args: A): Promise<R> {
      if (closed) return Promise.reject(new Error('worker pool is closed'));
      if (live.size === 0) return Promise.reject(new Error('every worker of the pool has exited; create a new pool'));
      return new Promise<R>((resolve, reject) => {
        queue.push({ id: nextId++, args, resolve: resolve as (v: unknown) => void, reject });
        pump();
      });
    },
    async close(): Promise<void> {
      closed = true;
      const err = new Error('worker pool closed');
      for (const t of queue.splice(0)) t.reject(err);
      for (const t of busy.values()) t.reject(err);
      busy.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
