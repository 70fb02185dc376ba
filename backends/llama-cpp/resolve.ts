import path from 'node:path';
import { isRemoteModelUri, modelsDir, pullModelFile } from '../../src/models/pull.ts';

export { isRemoteModelUri, modelsDir };

/**
 * A local path stays a path; an `hf:` (or https) URI resolves to its copy in modelsDir(), downloaded
 * with progress when missing (a `vlmbench run` has already fetched it before its first sample; this
 * path serves `vlmbench serve` and direct backend use). VLMBENCH_OFFLINE forbids the download.
 */
export async function resolveModelPath(uri: string, field: string, env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<string> {
  if (!isRemoteModelUri(uri)) return path.resolve(uri);
  try {
    return await pullModelFile(uri, { env, onProgress: log && ((p) => log(`${field}: ${p.uri} ${Math.round(p.downloaded / 1e6)} / ${Math.round(p.total / 1e6)} MB`)) });
  } catch (err) {
    (err as { field?: string }).field ??= field;
    throw err;
  }
}
