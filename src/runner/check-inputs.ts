import { statSync } from 'node:fs';
import { selectRuntime } from '../../backends/llama-cpp/select.ts';
import type { LlamaCppOptions } from '../config/backends.ts';
import type { ModelConfig } from '../config/schema.ts';
import { ConfigError, DatasetError, ModelFileError, VlmbenchError } from '../core/errors.ts';
import { isRemoteModelUri } from '../models/pull.ts';
import type { PlannedSuite } from './plan.ts';

/**
 * Files a run depends on, checked before a run folder or report exists: a wrong model path or a
 * folder that is not the suite's dataset is an input error (exit 2), not a failed run.
 */

function kindOf(p: string): 'file' | 'dir' | undefined {
  try {
    const st = statSync(p);
    return st.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function needPath(p: string | undefined, want: 'file' | 'dir', file: string, field: string, what: string): ModelFileError | undefined {
  if (p === undefined || isRemoteModelUri(p)) return undefined;
  const kind = kindOf(p);
  if (kind === want) return undefined;
  const problem = kind === undefined ? 'does not exist' : `is a ${kind === 'dir' ? 'folder' : 'file'}, not a ${want === 'dir' ? 'folder' : 'file'}`;
  return new ModelFileError(`${what} ${p} ${problem}`, { file, field, hint: 'paths in a config are relative to the config file; fix the path or download the model first' });
}

/** `runtime: server` needs a llama-server: a serverBinary that exists, the managed build, or one on PATH. */
function llamaServerProblems(b: LlamaCppOptions, configFile: string, f: string): Array<VlmbenchError | undefined> {
  if (b.serverBinary !== undefined) {
    const missing = needPath(b.serverBinary, 'file', configFile, `${f}.serverBinary`, 'llama-server binary');
    return [missing && new ModelFileError(missing.message, {
      file: configFile, field: `${f}.serverBinary`, hint: 'point serverBinary at a llama-server build, or build the managed one: vlmbench runtimes build llama.cpp',
    })];
  }
  if (b.runtime !== 'server') return [];
  try {
    selectRuntime(b);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [new ConfigError(err.message, { file: configFile, field: `${f}.runtime`, hint: err.hint })];
  }
}

export function modelInputProblems(models: readonly ModelConfig[], configFile: string): VlmbenchError[] {
  return models.flatMap((m, i) => {
    const b = m.backend;
    const f = `models[${i}].backend`;
    switch (b.type) {
      case 'llama-cpp': return [needPath(b.model, 'file', configFile, `${f}.model`, 'GGUF model'), needPath(b.mmproj, 'file', configFile, `${f}.mmproj`, 'mmproj'), ...llamaServerProblems(b, configFile, f)];
      case 'onnx': return [needPath(b.dir, 'dir', configFile, `${f}.dir`, 'ONNX model folder')];
      case 'http': return [needPath(b.tokenizer, 'file', configFile, `${f}.tokenizer`, 'tokenizer')];
      case 'custom': return [needPath(b.module, 'file', configFile, `${f}.module`, 'backend module')];
    }
  }).filter((e): e is VlmbenchError => e !== undefined);
}

/** A user-given dataset folder must exist and hold the suite's files (the suite's own cheap check). */
export function datasetProblems(suites: readonly PlannedSuite[], configFile: string): VlmbenchError[] {
  const out: VlmbenchError[] = [];
  for (const [i, s] of suites.entries()) {
    if (s.config.dataset === 'builtin') continue;
    const field = `suites[${i}].dataset`;
    const kind = kindOf(s.datasetDir);
    if (kind !== 'dir') {
      out.push(new DatasetError(`dataset folder ${s.datasetDir} ${kind === undefined ? 'does not exist' : 'is a file, not a folder'}`, {
        file: configFile, field, hint: "point it at the folder of the official download, or use 'dataset: builtin'",
      }));
      continue;
    }
    if (s.suite.kind !== 'quality' || !s.suite.checkDataset) continue;
    try {
      s.suite.checkDataset(s.datasetDir, s.options);
    } catch (err) {
      if (!(err instanceof VlmbenchError)) throw err;
      out.push(new DatasetError(`suite '${s.id}': ${err.message}`, { file: err.file ?? s.datasetDir, field, hint: err.hint, cause: err }));
    }
  }
  return out;
}
