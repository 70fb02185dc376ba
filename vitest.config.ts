import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native runtimes (llama.cpp, onnxruntime) and 2-core CI: keep workers few.
    pool: 'forks',
    maxWorkers: 2,
  },
});
