import { readFile } from 'node:fs/promises';
import { DatasetError } from '../../src/core/errors.ts';
import type { BoxInstance } from '../../src/judge/prompt.ts';

/** One line of a JSONL file: its parsed value or the reason it could not be parsed (1-based line). */
export type JsonlLine =
  | { line: number; raw: string; value: Record<string, unknown> }
  | { line: number; raw: string; error: DatasetError };

/** Read a JSONL file line by line; a bad line is a value, never a thrown error. Blank lines are skipped. */
export async function readJsonl(file: string): Promise<JsonlLine[]> {
  const text = await readFile(file, 'utf8');
  const out: JsonlLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ line, raw, error: new DatasetError(`line ${line} is not a JSON object`, { file, line }) });
      } else out.push({ line, raw, value: value as Record<string, unknown> });
    } catch (err) {
      out.push({
        line, raw,
        error: new DatasetError(`line ${line} is not valid JSON: ${(err as Error).message}`, {
          file, line, cause: err, hint: 'each line must be one JSON object',
        }),
      });
    }
  });
  return out;
}

/** Which bbox coordinates were written as JSON integers (`0`, `1`): Python prints them without `.0`. */
export function bboxIntegerFlags(rawLine: string): boolean[][] {
  const flags: boolean[][] = [];
  for (const m of rawLine.matchAll(/"bbox"\s*:\s*\[([^\]]*)\]/g)) {
    flags.push(m[1]!.split(',').map((t) => /^\s*-?\d+\s*$/.test(t)));
  }
  return flags;
}

export interface CocoContext {
  image: string;
  captions: string[];
  instances: BoxInstance[];
}

/** One `caps_boxes_coco2014_val_80.jsonl` line, keeping integer-vs-float literals of every bbox. */
export function parseCocoContextLine(raw: string, file = 'caps_boxes_coco2014_val_80.jsonl'): CocoContext {
  const v = JSON.parse(raw) as Record<string, unknown>;
  if (typeof v.image !== 'string') throw new DatasetError('context line has no string "image"', { file, field: 'image' });
  if (!Array.isArray(v.captions) || !v.captions.every((c) => typeof c === 'string')) {
    throw new DatasetError('context line needs "captions": [strings]', { file, field: 'captions' });
  }
  const rawInstances = v.instances ?? [];
  if (!Array.isArray(rawInstances)) throw new DatasetError('"instances" must be a list', { file, field: 'instances' });
  const ints = bboxIntegerFlags(raw);
  const instances = rawInstances.map((inst, i): BoxInstance => {
    const o = inst as { category?: unknown; bbox?: unknown };
    if (typeof o.category !== 'string' || !Array.isArray(o.bbox) || !o.bbox.every((x) => typeof x === 'number')) {
      throw new DatasetError(`instance ${i} needs "category" (string) and "bbox" (numbers)`, { file, field: `instances[${i}]` });
    }
    return { category: o.category, bbox: o.bbox as number[], bboxInts: ints[i] ?? [] };
  });
  return { image: v.image, captions: v.captions as string[], instances };
}

/** In-the-Wild `context.jsonl` caption: a list is joined upstream with '\n', a string used as is. */
export function wildCaptions(caption: unknown): string[] | undefined {
  if (typeof caption === 'string') return [caption];
  if (Array.isArray(caption) && caption.every((c) => typeof c === 'string')) return caption as string[];
  return undefined;
}
