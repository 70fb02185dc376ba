import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import { decodeUtf8Marked, hasInvalidUtf8, NOT_UTF8, NOT_UTF8_HINT, parseJsonl, type JsonlEntry } from '../../src/core/jsonl.ts';

/**
 * Dataset file helpers shared by the ScienceQA and OCR suites: a bad file or image becomes a
 * DatasetError value naming the file, for the loader to record per sample.
 */

/** Resolve `name` inside `folder`; a path that escapes the folder (`../`, absolute, a symlink out) is refused. */
export function resolveInside(folder: string, name: string, file: string, field: string): string | DatasetError {
  const root = path.resolve(folder);
  const p = path.resolve(root, name);
  if (path.isAbsolute(name) || !isInside(root, p)) {
    return new DatasetError(`image path "${name}" escapes the dataset folder`, {
      file, field, hint: 'image paths must be relative to the dataset folder and stay inside it',
    });
  }
  return p;
}

/**
 * `p` lies inside `root` once symlinks are resolved: the folder itself may be a link (a dataset on
 * another disk), but a file linking out of it (to /etc/passwd) is refused. A missing file is checked
 * by name only; reading it fails later with "not found".
 */
export function isInside(root: string, p: string): boolean {
  const within = (r: string, q: string) => q === r || q.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
  if (!within(root, p)) return false;
  let realRoot: string;
  let realP: string;
  try { realRoot = realpathSync(root); } catch { return true; }
  try { realP = realpathSync(p); } catch { return true; }
  return within(realRoot, realP);
}

/**
 * Check that an image exists and that sharp can read its header (format and size). A file that is not
 * an image at all fails here; one truncated after a valid header fails later, in the backend.
 */
export async function checkImage(p: string, field: string): Promise<DatasetError | undefined> {
  if (!existsSync(p)) return new DatasetError(`image not found: ${p}`, { file: p, field, hint: 'check the images folder of the dataset' });
  try {
    const { default: sharp } = await import('sharp');
    const meta = await sharp(p).metadata();
    if (!meta.width || !meta.height) throw new Error('no image size in header');
    return undefined;
  } catch (err) {
    return new DatasetError(`image cannot be decoded: ${(err as Error).message}`, { file: p, field, cause: err, hint: 'replace the file with the official download' });
  }
}

/** Check many images with bounded concurrency; returns the error per path (undefined = fine). */
export async function checkImages(paths: readonly string[], field: string, concurrency = 8): Promise<Map<string, DatasetError | undefined>> {
  const unique = [...new Set(paths)];
  const out = new Map<string, DatasetError | undefined>();
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const p = unique[next++]!;
      out.set(p, await checkImage(p, field));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, worker));
  return out;
}

/** Read a whole-file JSON document; a missing or malformed file is a DatasetError for the whole set. */
export async function readJsonFile(file: string, hint: string): Promise<unknown> {
  // Text that is not UTF-8 is marked, not replaced silently: utf8Error fails the item that has it.
  const text = decodeUtf8Marked(await readDatasetBytes(file, hint));
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DatasetError(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`, { file, cause: err, hint });
  }
}

/** The per-item error for an item of a JSON document whose text was not valid UTF-8, else undefined. */
export function utf8Error(item: unknown, file: string, field: string, label: string): DatasetError | undefined {
  return hasInvalidUtf8(item) ? new DatasetError(`${label} ${NOT_UTF8}`, { file, field, hint: NOT_UTF8_HINT }) : undefined;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One JSONL line: its object, or the DatasetError that names file and line. Blank lines are skipped. */
export async function readJsonlFile(file: string, hint: string): Promise<JsonlEntry[]> {
  return parseJsonl(await readDatasetBytes(file, hint), file);
}

async function readDatasetBytes(file: string, hint: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new DatasetError(`cannot read ${path.basename(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file, cause: err, hint });
  }
}
