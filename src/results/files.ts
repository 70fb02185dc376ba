import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RunSummary, SampleRecord } from '../core/record.ts';
import { DatasetError } from '../core/errors.ts';
import type { RunManifest } from './manifest.ts';

/** File names inside results/<run-id>/. */
export const RUN_FILES = {
  samples: 'samples.jsonl',
  summary: 'summary.json',
  manifest: 'manifest.json',
  report: 'report.html',
} as const;

/**
 * Reads samples.jsonl. A torn last line (the process died mid-write) is ignored; a corrupt line
 * elsewhere is an error naming the file and line. Later records with the same key win.
 */
export async function readSamples(runDir: string): Promise<SampleRecord[]> {
  const file = path.join(runDir, RUN_FILES.samples);
  const byKey = new Map<string, SampleRecord>();
  let lineNo = 0;
  let pendingError: DatasetError | undefined;
  try {
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      lineNo++;
      if (pendingError) throw pendingError;
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as SampleRecord;
        byKey.set(rec.key, rec);
      } catch (err) {
        pendingError = new DatasetError('corrupt journal line', { file, line: lineNo, cause: err, hint: 'delete or fix that line, then resume' });
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return [...byKey.values()];
}

async function readJson<T>(file: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError(`${what} not found`, { file, cause: err, hint: 'pass a run directory written by `vlmbench run`' });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DatasetError(`${what} is not valid JSON`, { file, cause: err });
  }
}

export const readSummary = (runDir: string) => readJson<RunSummary>(path.join(runDir, RUN_FILES.summary), 'summary.json');
export const readManifest = (runDir: string) => readJson<RunManifest>(path.join(runDir, RUN_FILES.manifest), 'manifest.json');

export interface LoadedRun {
  dir: string;
  manifest: RunManifest;
  summary: RunSummary;
  samples: SampleRecord[];
}

export async function loadRun(runDir: string): Promise<LoadedRun> {
  const dir = path.resolve(runDir);
  const [manifest, summary, samples] = await Promise.all([readManifest(dir), readSummary(dir), readSamples(dir)]);
  return { dir, manifest, summary, samples };
}
