import { spawnSync } from 'node:child_process';
import { ConfigError } from '../../src/core/errors.ts';
import type { LlamaCppOptions } from '../../src/config/backends.ts';
import { BUILD_COMMAND, bundledLlamaCpp, describeRuntime, findLlamaCppRuntime } from '../../src/runtimes/llama-cpp.ts';
import { serverCommit } from './server-process.ts';

export type RuntimeChoice =
  | { kind: 'in-process'; note?: string }
  | { kind: 'server'; binary: string; runtimeId: string; commit?: string; warnings: string[] };

/** The note `auto` prints when it falls back: what it costs and how to get the fast route. */
export const IN_PROCESS_NOTE = `no managed llama-server built: running in process through @fugood/llama.node (prebuilt without AVX: ~0.1× native decode, image prompts ~30× slower). Build the native runtime once with: ${BUILD_COMMAND}`;

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

function bundledCommit(): string | undefined {
  try { return bundledLlamaCpp().commit; } catch { return undefined; }
}

/** A llama-server not built by vlmbench: version-checked against the bundled llama.cpp commit. */
function externalServer(binary: string): RuntimeChoice & { kind: 'server' } {
  const commit = serverCommit(binary);
  const bundled = bundledCommit();
  const warnings: string[] = [];
  if (!commit) warnings.push(`${binary} --version names no commit: cannot check it is the bundled llama.cpp ${bundled?.slice(0, 7) ?? '?'}`);
  else if (bundled && !bundled.startsWith(commit)) warnings.push(`${binary} is llama.cpp ${commit}, not the bundled ${bundled.slice(0, 7)}: outputs may differ from llama-mtmd-cli / in-process runs of the bundled source`);
  return { kind: 'server', binary, runtimeId: `llama-server llama.cpp@${commit ?? 'unknown'} (${binary})`, commit, warnings };
}

/**
 * runtime: in-process → @fugood; serverBinary → that binary; otherwise the managed build of the bundled
 * commit; `server` may also take a llama-server on PATH. `auto` without a build falls back in process.
 */
export function selectRuntime(opts: LlamaCppOptions): RuntimeChoice {
  if (opts.runtime === 'in-process') return { kind: 'in-process' };
  if (opts.serverBinary) return externalServer(opts.serverBinary);
  const built = findLlamaCppRuntime({ gpu: opts.gpuLayers > 0 });
  if (built) {
    return { kind: 'server', binary: built.binaries['llama-server'], runtimeId: `llama-server ${describeRuntime(built)}`, commit: built.commit, warnings: [] };
  }
  const path = onPath('llama-server');
  if (opts.runtime === 'server') {
    if (path) return externalServer(path);
    throw new ConfigError('runtime: server, but no llama-server is built or on PATH', {
      field: 'backend.runtime', hint: `run: ${BUILD_COMMAND} (or set backend.serverBinary, or runtime: in-process)`,
    });
  }
  // auto: a PATH binary only when it is the bundled commit (another version would change the scores).
  if (path) {
    const ext = externalServer(path);
    if (ext.warnings.length === 0) return ext;
  }
  return { kind: 'in-process', note: IN_PROCESS_NOTE };
}
