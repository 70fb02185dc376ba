import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../config/schema.ts';
import type { Backend, BackendContext } from '../core/backend.ts';
import type { BackendModule } from '../core/backend-module.ts';
import { resolveFixtureRefs } from '../fixtures/resolve.ts';
import { withImageValidation } from '../image/validate.ts';
import { createIsolatedBackend } from './isolation/isolated-backend.ts';

/**
 * Whether a llama-cpp model runs native code in this process: only the in-process route (@fugood) does.
 * The server route's native code is llama-server's own process, which the backend restarts when it dies,
 * so a child process around it would only add a hop per streamed token.
 */
async function llamaCppInProcess(model: ModelConfig): Promise<boolean> {
  if (model.backend.type !== 'llama-cpp') return true;
  const { selectRuntime } = await import('../../backends/llama-cpp/select.ts');
  return selectRuntime(model.backend).kind === 'in-process';
}

/** The one backend registry: type → module, and whether it runs isolated in a child process. */
const BACKENDS = {
  'llama-cpp': { module: '../../backends/llama-cpp/index.ts', isolate: llamaCppInProcess },
  onnx: { module: '../../backends/onnx/index.ts', isolate: true },
  http: { module: '../../backends/http/index.ts', isolate: false },
} as const;

async function modulePathOf(model: ModelConfig): Promise<{ path: string; isolate: boolean }> {
  const b = model.backend;
  if (b.type === 'custom') return { path: b.module, isolate: b.isolate };
  const entry = BACKENDS[b.type];
  const isolate = typeof entry.isolate === 'function' ? await entry.isolate(model) : entry.isolate;
  return { path: fileURLToPath(new URL(entry.module, import.meta.url)), isolate };
}

export interface LoadBackendOptions extends BackendContext {
  fixturesDir: string;
  /** Force in-process loading (tests of the backend itself, `serve`). */
  inProcess?: boolean;
  /** Aborting it stops loading a child-process backend. */
  signal?: AbortSignal;
}

/** Resolve fixture references, then create the backend in process or behind a child process, images checked first. */
export async function loadBackend(model: ModelConfig, opts: LoadBackendOptions): Promise<Backend> {
  const resolved: ModelConfig = {
    ...model,
    backend: await resolveFixtureRefs(model.backend, opts.fixturesDir, `models[${model.id}].backend`),
  };
  const { path, isolate } = await modulePathOf(resolved);
  // Images are decoded by the shared loader before any backend (in process or not) sees them.
  if (isolate && !opts.inProcess) return withImageValidation(await createIsolatedBackend(path, resolved, { log: opts.log, signal: opts.signal }));
  const mod = (await import(path)) as BackendModule;
  return withImageValidation(await mod.createBackend(resolved, { log: opts.log }));
}
