import path from 'node:path';
import { ModelFileError } from '../../src/core/errors.ts';
import { REPO_ROOT } from '../../src/fixtures/paths.ts';

/** Where `hf:` model URIs are downloaded to (VLMBENCH_MODELS_DIR overrides). */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VLMBENCH_MODELS_DIR ? path.resolve(env.VLMBENCH_MODELS_DIR) : path.join(REPO_ROOT, '.cache', 'models');
}

export const isRemoteModelUri = (p: string): boolean => /^(hf:|https?:\/\/)/.test(p);

/**
 * A local path stays a path; an `hf:` (or https) URI is resolved by node-llama-cpp's resolveModelFile:
 * an already downloaded copy in modelsDir() is used as is, a missing one is downloaded unless
 * VLMBENCH_OFFLINE is set. Tests only use local paths.
 */
export async function resolveModelPath(uri: string, field: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!isRemoteModelUri(uri)) return path.resolve(uri);
  const { resolveModelFile } = await import('node-llama-cpp');
  try {
    return await resolveModelFile(uri, { directory: modelsDir(env), download: env.VLMBENCH_OFFLINE ? false : 'auto', cli: false });
  } catch (err) {
    throw new ModelFileError(`cannot resolve ${uri}: ${err instanceof Error ? err.message : String(err)}`, {
      file: uri, field, cause: err,
      hint: env.VLMBENCH_OFFLINE
        ? `download it once with network access (npx node-llama-cpp pull --dir ${modelsDir(env)} ${uri}) or use a local path`
        : 'check the URI (hf:<user>/<repo>/<file>.gguf) and network access, or use a local path',
    });
  }
}
