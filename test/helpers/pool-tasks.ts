/** Worker-pool task functions for test/image/pool-crash.test.ts: a worker that exits mid-task. */
export async function echo(x: number): Promise<number> {
  return x;
}

/** Ends the worker thread (process.exit in a worker ends only that thread) without an 'error' event. */
export async function exitWorker(code: number): Promise<never> {
  process.exit(code);
}
