import { readFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.ts';
import { parseJsonl } from '../../core/jsonl.ts';
import { outputPathError } from '../../results/files.ts';

/** JSONL in/out for the batch modes (`models prompt|tokens --in`, `score --in`): every line is parsed before anything is written. */

export interface JsonLine { line: number; obj: Record<string, unknown> }

export function readJsonLines(file: string): Promise<JsonLine[]> {
  return readJsonLinesAs(file, (l) => l);
}

/**
 * Read an --in file, passing each line through `read` (which may throw a DatasetError for a field):
 * the first bad line in file order, bad JSON or bad field, is the one reported.
 */
export async function readJsonLinesAs<T>(file: string, read: (l: JsonLine) => T): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file, hint: 'check the --in path' });
  }
  return parseJsonl(text, file).map((e) => {
    if ('error' in e) throw e.error;
    return read({ line: e.line, obj: e.value });
  });
}

/** One write per ~1 MB chunk: 10,000 short lines are a handful of syscalls. */
function* chunks(lines: string[]): Generator<string> {
  let chunk = '';
  for (const l of lines) {
    chunk += l;
    if (chunk.length > 1 << 20) { yield chunk; chunk = ''; }
  }
  if (chunk) yield chunk;
}

/**
 * Write lines to a file (or the given stream), honouring backpressure. An --out path that cannot be
 * written is a usage error naming it, never a silent success.
 */
export async function writeLines(lines: string[], outFile: string | undefined, stdout: NodeJS.WritableStream): Promise<void> {
  if (outFile) {
    try {
      await writeFile(outFile, chunks(lines));
    } catch (err) {
      throw outputPathError(err, outFile);
    }
    return;
  }
  for (const chunk of chunks(lines)) {
    if (!stdout.write(chunk)) await new Promise<void>((resolve) => stdout.once('drain', () => resolve()));
  }
}
