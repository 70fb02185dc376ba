import { readFile } from 'node:fs/promises';
import { DatasetError } from '../../src/core/errors.ts';

/**
 * A TSV as pandas `read_table` reads it (LLaVA model_vqa_mmbench.py): tab-separated, a field that starts
 * with `"` is quoted (`""` inside is a quote, tabs and newlines allowed), and the default NA strings read
 * as missing (so an option cell "None", "NA" or "" is no option).
 */
export const PANDAS_NA = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) break;
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      // Anything after the closing quote up to the separator belongs to the field (csv module behaviour).
      while (i < n && text[i] !== '\t' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
    } else {
      const start = i;
      while (i < n && text[i] !== '\t' && text[i] !== '\n' && text[i] !== '\r') i++;
      field = text.slice(start, i);
    }
    row.push(field);
    if (text[i] === '\t') { i++; if (i >= n) row.push(''); continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  if (row.length) rows.push(row);
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export async function readTsv(file: string, hint: string): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file, cause: err, hint });
  }
  const [header, ...body] = parseTsv(text);
  if (!header) throw new DatasetError('empty TSV', { file, hint });
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? '']))) };
}

/** LLaVA `is_none`: pandas NaN (the NA strings above), or the text 'nan' / 'none' in any case. */
export const isNone = (v: string | undefined) => v === undefined || PANDAS_NA.has(v) || ['nan', 'none'].includes(v.toLowerCase());
