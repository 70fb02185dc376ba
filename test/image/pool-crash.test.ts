import { describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src/image/pool.ts';

/** A worker that dies must not leave promises pending forever. */

const TASKS = new URL('../helpers/pool-tasks.ts', import.meta.url);
const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p.then(() => 'resolved', (e: unknown) => e), new Promise((r) => setTimeout(() => r('pending'), ms).unref())]);

describe('createWorkerPool: dead workers', () => {
  it('a worker that exits mid-task rejects that task, naming the exit code', async () => {
    const pool = await createWorkerPool<[number], never>(TASKS, 'exitWorker', { threads: 1 });
    try {
      const got = await settledWithin(pool.run(7), 10_000);
      expect(got).toBeInstanceOf(Error);
      expect(String((got as Error).message)).toMatch(/exit.*7/);
    } finally {
      await pool.close();
    }
  }, 20_000);

  it('once every worker is gone, queued and later tasks reject instead of hanging', async () => {
    const pool = await createWorkerPool<[number], never>(TASKS, 'exitWorker', { threads: 1 });
    try {
      const first = pool.run(3);
      const queued = pool.run(4);
      expect(await settledWithin(first, 10_000)).toBeInstanceOf(Error);
      expect(await settledWithin(queued, 10_000)).toBeInstanceOf(Error);
      expect(await settledWithin(pool.run(5), 10_000)).toBeInstanceOf(Error);
    } finally {
      await pool.close();
    }
  }, 40_000);

  it('a missing export rejects every task with the export named', async () => {
    const pool = await createWorkerPool<[number], number>(TASKS, 'nope', { threads: 1 });
    try {
      await expect(pool.run(1)).rejects.toThrow(/nope/);
      await expect(pool.run(2)).rejects.toThrow(/nope/);
    } finally {
      await pool.close();
    }
  }, 20_000);

  it('a healthy pool still answers', async () => {
    const pool = await createWorkerPool<[number], number>(TASKS, 'echo', { threads: 2 });
    try {
      expect(await Promise.all([1, 2, 3].map((x) => pool.run(x)))).toEqual([1, 2, 3]);
    } finally {
      await pool.close();
    }
  }, 20_000);
});
