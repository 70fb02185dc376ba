import { DatasetError } from './errors.ts';

/**
 * JSONL text → one entry per non-blank line (1-based line numbers): its object, or the DatasetError
 * that names file and line. A bad line is a value here; the caller decides whether it stops the read
 * (CLI batch inputs) or is recorded against one sample (dataset loaders).
 */
export type JsonlEntry =
  | { line: number; raw: string; value: Record<string, unknown> }
  | { line: number; raw: string; error: DatasetError };

export function parseJsonl(text: string, file: string): JsonlEntry[] {
  const out: JsonlEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
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
