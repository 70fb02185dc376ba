import { readFile } from 'node:fs/promises';
import { DatasetError } from '../../src/core/errors.ts';
import { parseJsonl, type JsonlEntry } from '../../src/core/jsonl.ts';
import type { BoxInstance } from '../../src/judge/prompt.ts';

/** Read a JSONL file line by line; a bad line is a value, never a thrown error. Blank lines are skipped. */
export async function readJsonl(file: string): Promise<JsonlEntry[]> {
  return parseJsonl(await readFile(file), file);
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
