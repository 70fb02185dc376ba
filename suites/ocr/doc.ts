import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError, toErrorRecord } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { regressionTag } from '../common/shared.ts';
import { checkImages } from '../scienceqa/files.ts';

export const OCR_FORMATS = ['textvqa', 'docvqa', 'ocrbench'] as const;
export type OcrFormat = (typeof OCR_FORMATS)[number];

/** One OCR question, whatever benchmark it comes from. */
export interface OcrDoc {
  format: OcrFormat;
  /** Question as the model gets it, before the short-answer suffix (TextVQA: may include the OCR-token line). */
  question: string;
  /** Absolute image path. */
  image: string;
  /** Image name as the dataset lists it (for records and reports). */
  imageName: string;
  answers: string[];
  /** Question id in the dataset file. */
  questionId: string;
  /** OCRBench: position in OCRBench.json, the sample id (its `id` field repeats across source datasets). */
  position?: number;
  /** OCRBench: source dataset (decides the HME100k rule) and question type. */
  datasetName?: string;
  type?: string;
  /** Items sharing an image/page (for clustered intervals). */
  cluster: string;
}

/** File names that identify each official layout in a dataset folder. */
export const FORMAT_FILES: Record<OcrFormat, readonly string[]> = {
  textvqa: ['TextVQA_0.5.1_val.json'],
  docvqa: ['val_v1.0.json', 'val_v1.0_withQT.json'],
  ocrbench: ['OCRBench.json'],
};

export const formatFile = (dir: string, format: OcrFormat) => FORMAT_FILES[format].map((f) => path.join(dir, f)).find((f) => existsSync(f));

/** Formats present in a folder, or the one asked for (which must then be present). */
export function detectFormats(dir: string, wanted: 'auto' | OcrFormat): OcrFormat[] {
  if (wanted !== 'auto') {
    if (!formatFile(dir, wanted)) {
      throw new DatasetError(`no ${FORMAT_FILES[wanted].join(' or ')} in the dataset folder`, { file: dir, field: 'options.format', hint: `point the suite at the ${wanted} download or use 'dataset: builtin'` });
    }
    return [wanted];
  }
  const present = OCR_FORMATS.filter((f) => formatFile(dir, f));
  if (present.length === 0) {
    throw new DatasetError('not an OCR dataset folder: none of TextVQA_0.5.1_val.json, OCRBench.json, val_v1.0.json found', { file: dir, hint: "use 'dataset: builtin' or point the suite at an official download" });
  }
  return present;
}

export const sampleId = (format: OcrFormat, qid: string) => `${format}-${qid}`;
export const failed = (id: string, err: DatasetError): LoadedSample<OcrDoc> => ({ id, error: toErrorRecord(err) });

/** Turn checked docs into samples: a missing or undecodable image makes its sample an error value. */
export async function finishWithImageChecks(items: (OcrDoc | LoadedSample<OcrDoc>)[]): Promise<LoadedSample<OcrDoc>[]> {
  const docs = items.filter((x): x is OcrDoc => 'format' in x);
  const checks = await checkImages(docs.map((d) => d.image), 'image');
  return items.map((x) => {
    if (!('format' in x)) return x;
    const err = checks.get(x.image);
    const id = sampleId(x.format, x.position === undefined ? x.questionId : String(x.position));
    // The regression subset keeps every question of an image together (TextVQA/DocVQA pair by image).
    return err ? failed(id, err) : { id, doc: x, tags: [x.format, ...(x.type ? [x.type] : []), ...regressionTag(x.image)] };
  });
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export const idOf = (v: unknown): string | undefined => (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);
