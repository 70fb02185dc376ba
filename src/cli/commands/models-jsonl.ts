import { readFile, writeFile } from 'node:fs/promises';
import { DatasetError, UsageError } from '../../core/errors.ts';
import { outputPathError } from '../../results/files.ts';

/** JSONL in/out for the `models` batch modes: every line is parsed before anything is written. */

export interface JsonLine { line: number; obj: Record<string, unknown> }

export async function readJsonLines(file: string): Promise<JsonLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file, hint: 'check the --in path' });
  }
  const out: JsonLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (err) {
      throw new DatasetError(`line ${i + 1} is not valid JSON: ${(err as Error).message}`, { file, line: i + 1, hint: 'each line must be one JSON object' });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new DatasetError(`line ${i + 1} is not a JSON object`, { file, line: i + 1 });
    }
    out.push({ line: i + 1, obj: obj as Record<string, unknown> });
  }
  return out;
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
