import { defineConfig } from 'vitest/config';
import { nativeLogsShown, quietForks } from './test/quiet-forks-pool.ts';

// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints a failure; give Node 20 the
// standard behaviour so failures are reported instead of crashing the reporter.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const out = new Map<K, V[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item); else out.set(k, [item]);
      }
      return out;
    },
  });
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native runtimes (llama.cpp, onnxruntime) and 2-core CI: keep workers few. Their native log
    // lines go to test-artifacts/native-output.log (VLMBENCH_NATIVE_LOGS=1 shows them).
    pool: nativeLogsShown ? 'forks' : quietForks,
    maxWorkers: 2,
  },
});
