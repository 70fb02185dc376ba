import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HELPERS = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HELPERS, '..', '..');
export const CLI = path.join(REPO, 'bin', 'vlmbench.js');

export function tempDir(prefix = 'vlmbench-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a run config using the test-only slow backend and echo suite; returns its path. */
export function writeEchoConfig(dir: string, opts: { count?: number; delayMs?: number; concurrency?: number; timeoutMs?: number; backendOptions?: Record<string, unknown>; isolate?: boolean; extra?: string } = {}): string {
  const file = path.join(dir, 'config.yaml');
  const backendOptions = JSON.stringify({ delayMs: opts.delayMs ?? 0, ...opts.backendOptions });
  writeFileSync(file, `name: echo-test
run:
  out: ${path.join(dir, 'results')}
  concurrency: ${opts.concurrency ?? 2}
${opts.timeoutMs ? `  timeoutMs: ${opts.timeoutMs}\n` : ''}  fixturesDir: ${path.join(dir, 'fixtures')}
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, jitter: 0 }
models:
  - id: slow
    family: llava-1.5
    backend:
      type: custom
      module: ${path.join(HELPERS, 'slow-backend.ts')}
      isolate: ${opts.isolate ?? true}
      options: ${backendOptions}
suites:
  - name: ${path.join(HELPERS, 'echo-suite.ts')}
    options: { count: ${opts.count ?? 20} }
report:
  enabled: false
${opts.extra ?? ''}`);
  return file;
}
