/**
 * A virtual millisecond clock for timing tests, so latency arithmetic is checked exactly instead of
 * against a ± bound on a shared machine. Tests route the project's `now()` (src/core/backend.ts) to
 * `testClock.now()` with vi.mock, and hand the same clock to the scripted server.
 *
 * Lock-step with an in-process HTTP client: the server sets the time, writes a chunk and waits until
 * the client stamps it (its next `now()` call) before moving the time on. Each chunk therefore
 * arrives at exactly its scripted time, however late the machine is in real time.
 */
export interface VirtualClock {
  /** Off: the mocked `now()` reads performance.now() (for tests in the same file that run in real time). */
  enabled: boolean;
  /** The time as the client sees it; a call also acknowledges the chunk the server is waiting on. */
  now(): number;
  /** The time without acknowledging anything (for the server's own bookkeeping). */
  peek(): number;
  /** Move time forward to `t` (never backward). */
  advanceTo(t: number): void;
  /** Resolves at the client's next `now()` call (armed at once, so call it right after a write). */
  nextRead(): Promise<void>;
  reset(): void;
}

export function virtualClock(): VirtualClock {
  let t = 0;
  let pending: { promise: Promise<void>; resolve: () => void } | undefined;
  return {
    now() {
      const p = pending;
      pending = undefined;
      p?.resolve();
      return t;
    },
    peek: () => t,
    advanceTo(target) { t = Math.max(t, target); },
    nextRead() {
      if (!pending) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => { resolve = r; });
        pending = { promise, resolve };
      }
      return pending.promise;
    },
    reset() { t = 0; pending = undefined; this.enabled = false; },
    enabled: false,
  };
}

/** One clock per test process, shared by a vi.mock factory and the test body. */
export const testClock = virtualClock();

/**
 * The module for `vi.mock('<path>/src/core/backend.ts', (orig) => mockNow(orig))`: the real module
 * with `now()` reading `testClock` while it is enabled.
 */
export async function mockNow<M extends { now: () => number }>(importOriginal: () => Promise<M>): Promise<M> {
  return { ...(await importOriginal()), now: () => (testClock.enabled ? testClock.now() : performance.now()) };
}
