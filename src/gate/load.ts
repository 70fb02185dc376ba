import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from '../core/errors.ts';
import { checkSummary, loadRun } from '../results/files.ts';
import type { GateRun } from './evaluate.ts';

/** A run directory, a promoted baseline directory, or a bare summary.json (no paired tests then). */
export async function loadGateRun(target: string): Promise<GateRun> {
  const st = await stat(target).catch(() => undefined);
  if (!st) throw new DatasetError('run not found', { file: target, hint: 'pass a run directory, a baseline directory or a summary.json' });
  if (st.isFile()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(target, 'utf8'));
    } catch (err) {
      throw new DatasetError(`not a valid summary.json: ${(err as Error).message}`, { file: target, cause: err, hint: 'pass a run directory, a baseline directory or a summary.json' });
    }
    const summary = checkSummary(parsed, target);
    const manifest = await readFile(path.join(path.dirname(target), 'manifest.json'), 'utf8').then((t) => JSON.parse(t)).catch(() => undefined);
    return { results: summary.results, samples: [], manifest, label: target };
  }
  const run = await loadRun(target);
  return { results: run.summary.results, samples: run.samples, manifest: run.manifest, label: run.manifest.runId ?? target };
}
