import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RunSummary, SampleRecord } from '../core/record.ts';
import { DatasetError, UsageError } from '../core/errors.ts';
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
    const interrupted = what === 'summary.json' && existsSync(path.join(path.dirname(file), RUN_FILES.samples));
    throw new DatasetError(`${what} not found`, {
      file, cause: err,
      hint: interrupted
        ? `the run did not finish: vlmbench run --resume ${path.dirname(file)} completes it and writes the summary`
        : 'pass a run directory written by `vlmbench run`',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DatasetError(`${what} is not valid JSON: ${(err as Error).message}`, { file, cause: err, hint: 'the file is damaged; restore it or re-run' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DatasetError(`${what} is not a JSON object`, { file, hint: 'pass a run directory written by `vlmbench run`' });
  }
  return value as T;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The shape every reader relies on (results[].model/suite/metrics), checked once where the file is
 * read so a hand-edited or foreign file is an error naming it rather than a crash further down.
 */
export function checkSummary(value: unknown, file: string): RunSummary {
  const results = (value as { results?: unknown } | null)?.results;
  const hint = 'pass a summary.json written by `vlmbench run`';
  if (!Array.isArray(results)) throw new DatasetError('summary.json has no "results" list', { file, field: 'results', hint });
  results.forEach((r, i) => {
    if (!isObject(r) || typeof r.model !== 'string' || typeof r.suite !== 'string' || !isObject(r.metrics)) {
      throw new DatasetError('each result needs "model", "suite" and "metrics"', { file, field: `results[${i}]`, hint });
    }
  });
  return value as RunSummary;
}

/** The manifest fields that report, compare, gate and merge index into. */
function checkManifest(value: Record<string, unknown>, file: string): RunManifest {
  const expected: Array<[string, (v: unknown) => boolean, string]> = [
    ['runId', (v) => typeof v === 'string', 'a string'], ['models', Array.isArray, 'a list'],
    ['datasets', isObject, 'an object'], ['templateHashes', isObject, 'an object'], ['hardware', isObject, 'an object'],
  ];
  for (const [field, ok, what] of expected) {
    if (!ok(value[field])) throw new DatasetError(`"${field}" must be ${what}`, { file, field, hint: 'pass a run directory written by `vlmbench run`' });
  }
  return value as unknown as RunManifest;
}

export async function readSummary(runDir: string): Promise<RunSummary> {
  const file = path.join(runDir, RUN_FILES.summary);
  return checkSummary(await readJson<unknown>(file, 'summary.json'), file);
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  const file = path.join(runDir, RUN_FILES.manifest);
  return checkManifest(await readJson<Record<string, unknown>>(file, 'manifest.json'), file);
}

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

/** Errors that mean the output path itself is unusable (the user's input), not a failing disk. */
const BAD_OUTPUT_PATH = new Set(['ENOTDIR', 'EISDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'ENOENT']);

/** Turn a failure to create/write an output path into a usage error naming it; other errors pass through. */
export function outputPathError(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !BAD_OUTPUT_PATH.has(code)) return err;
  return new UsageError(`output path cannot be created or written (${code})`, { file, cause: err, hint: 'choose an output path (--out, --to, --dir) that can be created and written' });
}

/** Create the folders of `file` and write it; an unusable output path is a usage error naming it. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (err) {
    throw outputPathError(err, file);
  }
}
