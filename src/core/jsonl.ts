import { DatasetError } from './errors.ts';

/**
 * JSONL text → one entry per non-blank line (1-based line numbers): its object, or the DatasetError
 * that names file and line. A bad line is a value here; the caller decides whether it stops the read
 * (CLI batch inputs) or is recorded against one sample (dataset loaders).
 */
export type JsonlEntry =
  | { line: number; raw: string; value: Record<string, unknown> }
  | { line: number; raw: string; error: DatasetError };

export function parseJsonl(text: string | Uint8Array, file: string): JsonlEntry[] {
  const out: JsonlEntry[] = [];
  const lines = typeof text === 'string' ? text.split('\n') : utf8Lines(text);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw instanceof DatasetError) {
      out.push({ line, raw: '', error: new DatasetError(raw.message, { file, line, hint: raw.hint }) });
      return;
    }
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.push({
        line, raw,
        error: new DatasetError(`line ${line} is not valid JSON: ${(err as Error).message}`, {
          file, line, cause: err, hint: 'each line must be one JSON object',
        }),
      });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.push({ line, raw, error: new DatasetError(`line ${line} is not a JSON object`, { file, line }) });
    } else out.push({ line, raw, value: value as Record<string, unknown> });
  });
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes → lines, each decoded strictly: a line that is not valid UTF-8 is an error for that line
 * (decoding it leniently would send U+FFFD replacement characters to the model as if they were text).
 */
export function utf8Lines(bytes: Uint8Array): Array<string | DatasetError> {
  const out: Array<string | DatasetError> = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    const slice = bytes.subarray(start, i);
    try {
      out.push(strictUtf8.decode(slice));
    } catch {
      out.push(new DatasetError(`line ${out.length + 1} is not valid UTF-8`, { hint: 're-save the file as UTF-8 (it looks like another encoding, or it is damaged)' }));
    }
    start = i + 1;
  }
  return out;
}

/** A whole file as strict UTF-8, or the DatasetError naming its first line that is not. */
export function decodeUtf8File(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const line = utf8Lines(bytes).findIndex((l) => l instanceof DatasetError) + 1;
    throw new DatasetError(`line ${line} is not valid UTF-8`, { file, line, hint: 're-save the file as UTF-8 (it looks like another encoding, or it is damaged)' });
  }
}
