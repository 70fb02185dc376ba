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
      out.push(new DatasetError(`line ${out.length + 1} is not valid UTF-8`, { hint: NOT_UTF8_HINT }));
    }
    start = i + 1;
  }
  return out;
}

/**
 * Marks text that was not valid UTF-8 in a JSON document (a noncharacter no real dataset contains):
 * the loader fails the one item whose strings carry it, the rest of the file loads.
 */
export const INVALID_UTF8 = '\uFFFF';
const lenientUtf8 = new TextDecoder('utf-8');

/** A whole file as UTF-8; bytes that are not valid UTF-8 become INVALID_UTF8 (see hasInvalidUtf8). */
export function decodeUtf8Marked(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return lenientUtf8.decode(bytes).replaceAll('\uFFFD', INVALID_UTF8);
  }
}

/** Whether a parsed item carries text that was not valid UTF-8 in its file. */
export function hasInvalidUtf8(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(INVALID_UTF8);
}

export const NOT_UTF8 = 'has text that is not valid UTF-8';
export const NOT_UTF8_HINT = 're-save the file as UTF-8 (it looks like another encoding, or it is damaged)';
