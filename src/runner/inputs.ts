/**
 * Remote model files (`hf:`, https) a run needs: before a run directory exists, each one is either in
 * the cache or can be fetched (one reachability probe per host, so an offline machine is told in
 * seconds); the missing ones are then downloaded with progress. Local paths and dataset folders are
 * checked by check-inputs.ts; plan.ts reports all of them together.
 */
import type { ModelConfig } from '../config/schema.ts';
import { ModelFileError, type VlmbenchError } from '../core/errors.ts';
import { cachedModelFile, downloadUrl, isRemoteModelUri, modelsDir, probe, pullModelFile, progressPrinter } from '../models/pull.ts';

export interface ModelFileRef {
  model: string;
  field: string;
  path: string;
}

/** The files a model config names (remote URIs included). */
export function modelFiles(m: ModelConfig): ModelFileRef[] {
  const b = m.backend;
  const refs: Array<[string, string | undefined]> =
    b.type === 'llama-cpp' ? [['backend.model', b.model], ['backend.mmproj', b.mmproj]]
      : b.type === 'onnx' ? [['backend.dir', b.dir]]
        : b.type === 'custom' ? [['backend.module', b.module]]
          : [];
  return refs.filter((r): r is [string, string] => !!r[1]).map(([field, path]) => ({ model: m.id, field, path }));
}

/** Remote files that cannot be had (not cached, and offline or unreachable), and those to download. */
export async function remoteModelProblems(models: readonly ModelConfig[], file: string, env: NodeJS.ProcessEnv): Promise<{ problems: VlmbenchError[]; toPull: string[] }> {
  const problems: VlmbenchError[] = [];
  const toPull = new Set<string>();
  const dir = modelsDir(env);
  const probed = new Map<string, Promise<string | undefined>>();
  for (const ref of models.flatMap(modelFiles)) {
    if (!isRemoteModelUri(ref.path) || (await cachedModelFile(ref.path, dir))) continue;
    const field = `model ${ref.model} ${ref.field}`;
    const hint = 'fetch it ahead of time with `vlmbench models pull <config>` on a machine with network access, or download it yourself and set the path';
    if (env.VLMBENCH_OFFLINE) { problems.push(new ModelFileError(`${ref.path} is not downloaded (VLMBENCH_OFFLINE is set)`, { file, field, hint })); continue; }
    const url = downloadUrl(ref.path, env);
    const host = new URL(url).host;
    if (!probed.has(host)) probed.set(host, probe(url, 10_000).then((r) => r.unreachable));
    const unreachable = await probed.get(host);
    if (unreachable) problems.push(new ModelFileError(`${ref.path} is not downloaded and ${unreachable}`, { file, field, hint }));
    else toPull.add(ref.path);
  }
  return { problems, toPull: [...toPull] };
}

/** Download the given model URIs into the cache, one progress line a second. */
export async function pullRemoteModels(uris: readonly string[], opts: { env: NodeJS.ProcessEnv; log: (line: string) => void; signal?: AbortSignal }): Promise<void> {
  const dir = modelsDir(opts.env);
  for (const uri of uris) {
    opts.log(`downloading ${uri} into ${dir}`);
    await pullModelFile(uri, { dir, env: opts.env, signal: opts.signal, onProgress: progressPrinter(opts.log) });
  }
}
