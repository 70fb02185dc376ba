import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { BackendError, ModelFileError } from '../../src/core/errors.ts';
import type { GraphName, ModelFiles } from './files.ts';
import { GRAPHS } from './files.ts';

export type Provider = 'cpu' | 'cuda' | 'auto';

export interface SessionSet {
  sessions: Record<GraphName, InferenceSession>;
  /** Provider actually used: 'cpu' or 'cuda:<id>'. */
  device: string;
  warnings: string[];
}

export interface SessionOptions {
  provider: Provider;
  deviceId: number;
  threads: number;
}

export const CUDA_HINT =
  'The CUDA execution provider needs an NVIDIA driver with the CUDA 12.x runtime and cuDNN 9.x on the loader path, ' +
  'plus the provider libraries of the same onnxruntime-node version (1.30.0): run ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` where api.nuget.org is reachable, or copy ' +
  'libonnxruntime_providers_{shared,cuda,tensorrt}.so from Microsoft.ML.OnnxRuntime.Gpu.Linux.1.30.0.nupkg ' +
  '(runtimes/linux-x64/native/) into node_modules/onnxruntime-node/bin/napi-v6/linux/x64/. Or set provider: cpu.';

/** Errors ORT raises when the CUDA provider or its runtime libraries cannot be loaded. */
const PROVIDER_LOAD_ERROR = /AppendExecutionProvider|providers_(shared|cuda)|lib(cudart|cublas|cudnn|cuda)|CUDA|cuda/;

async function openSession(
  file: string, providers: InferenceSession.ExecutionProviderConfig[], threads: number,
): Promise<InferenceSession> {
  const ort = await import('onnxruntime-node');
  return ort.InferenceSession.create(file, {
    executionProviders: providers,
    // Always explicit: ORT's default thread pools oversubscribe small shared machines.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

/** Release every session of a (possibly partial) set on an error path; native memory is freed only by release(). */
export async function releaseAll(sessions: Partial<Record<GraphName, InferenceSession>>): Promise<void> {
  for (const s of Object.values(sessions)) await s.release().catch(() => undefined);
}

/** Open the graphs in order; on a failure, release those already open and rethrow (mapped by `wrap`). */
async function openAll(
  files: ModelFiles, providers: InferenceSession.ExecutionProviderConfig[], threads: number,
  wrap: (file: string, err: unknown) => unknown = (_file, err) => err,
): Promise<Record<GraphName, InferenceSession>> {
  const out: Partial<Record<GraphName, InferenceSession>> = {};
  for (const g of GRAPHS) {
    try {
      out[g] = await openSession(files.graphs[g], providers, threads);
    } catch (err) {
      await releaseAll(out);
      throw wrap(files.graphs[g], err);
    }
  }
  return out as Record<GraphName, InferenceSession>;
}

function fileError(file: string, err: unknown): ModelFileError {
  return new ModelFileError(`onnxruntime cannot load ${path.basename(file)}: ${(err as Error).message}`, {
    file, cause: err, hint: 'The file is not a valid ONNX model for onnxruntime-node 1.30; re-export it.',
  });
}

/** Which graph failed: open each on CPU so a broken file is reported as such, not as a CUDA problem. */
function openAllCpu(files: ModelFiles, threads: number): Promise<Record<GraphName, InferenceSession>> {
  return openAll(files, ['cpu'], threads, fileError);
}

/**
 * Open the three graphs on the requested provider. `cuda` never falls back silently (ORT would not
 * either: onnxruntime-node's npm package ships the CPU provider only); `auto` tries CUDA, then CPU, and records why in `warnings`.
 */
export async function openSessions(files: ModelFiles, opts: SessionOptions): Promise<SessionSet> {
  if (opts.provider === 'cpu') return { sessions: await openAllCpu(files, opts.threads), device: 'cpu', warnings: [] };

  const cuda: InferenceSession.ExecutionProviderConfig[] = [{ name: 'cuda', deviceId: opts.deviceId }];
  try {
    return { sessions: await openAll(files, cuda, opts.threads), device: `cuda:${opts.deviceId}`, warnings: [] };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (!PROVIDER_LOAD_ERROR.test(message)) {
      // Not a provider problem: find and name the broken file (the CPU sessions are only a probe).
      await releaseAll(await openAllCpu(files, opts.threads));
      throw new BackendError(`onnxruntime failed to create a CUDA session: ${message}`, { cause: err, hint: CUDA_HINT });
    }
    if (opts.provider === 'cuda') {
      throw new BackendError(`CUDA execution provider unavailable: ${message}`, {
        field: 'backend.provider', cause: err, hint: CUDA_HINT,
      });
    }
    const warning = `provider auto: CUDA unavailable (${message.split('\n')[0]}); running on CPU`;
    return { sessions: await openAllCpu(files, opts.threads), device: 'cpu', warnings: [warning] };
  }
}
