import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { isOcrBenchType } from '../../src/scoring/ocrbench.ts';
import { isRecord, readJsonFile, resolveInside, utf8Error } from '../scienceqa/files.ts';
import { failed, finishWithImageChecks, formatFile, idOf, isStringArray, sampleId, type OcrDoc } from './doc.ts';

/**
 * OCRBench: `OCRBench.json` (a list of {dataset_name, id, image_path, question, answers, type}) with the
 * images under `OCRBench_Images/` (or `imageFolder`). `answers` may be a string or a list, as upstream.
 * Sample ids are positions in the file (`ocrbench-<i>`), which is what the upstream scripts iterate:
 * the file's own `id` restarts per source dataset (IIIT5K 12 and IC15_1811 12 are different items),
 * so it is kept as `questionId` only.
 */
export async function loadOcrBench(dir: string, opts: { imageFolder?: string }): Promise<LoadedSample<OcrDoc>[]> {
  const file = formatFile(dir, 'ocrbench')!;
  const list = await readJsonFile(file, 'OCRBench.json comes with OCRBench_Images from the OCRBench release');
  if (!Array.isArray(list)) throw new DatasetError('OCRBench.json must be a JSON list', { file });
  const folder = opts.imageFolder ? path.resolve(dir, opts.imageFolder) : existsSync(path.join(dir, 'OCRBench_Images')) ? path.join(dir, 'OCRBench_Images') : dir;
  const items: (OcrDoc | LoadedSample<OcrDoc>)[] = [];
  list.forEach((v, i) => {
    const bad = (field: string, what: string) => new DatasetError(`item ${i}: ${what}`, { file, field: `[${i}].${field}` });
    const qid = isRecord(v) ? idOf(v.id) ?? String(i) : String(i);
    const id = sampleId('ocrbench', String(i));
    if (!isRecord(v)) { items.push(failed(id, bad('', 'not an object'))); return; }
    const notUtf8 = utf8Error(v, file, `[${i}]`, `item ${i}`);
    if (notUtf8) { items.push(failed(id, notUtf8)); return; }
    if (typeof v.dataset_name !== 'string') { items.push(failed(id, bad('dataset_name', '"dataset_name" must be a string'))); return; }
    if (typeof v.question !== 'string') { items.push(failed(id, bad('question', '"question" must be a string'))); return; }
    if (typeof v.image_path !== 'string') { items.push(failed(id, bad('image_path', '"image_path" must be a string'))); return; }
    const answers = typeof v.answers === 'string' ? [v.answers] : v.answers;
    if (!isStringArray(answers) || answers.length === 0) { items.push(failed(id, bad('answers', '"answers" must be a string or a list of strings'))); return; }
    if (typeof v.type !== 'string' || !isOcrBenchType(v.type)) { items.push(failed(id, bad('type', `"type" must be one of the ten OCRBench question types (got ${JSON.stringify(v.type)})`))); return; }
    // Official paths are relative to the image folder; some copies prefix the folder name itself.
    const name = v.image_path.replace(/^\.\//, '').replace(/^OCRBench_Images\//, '');
    const img = resolveInside(folder, name, file, `[${i}].image_path`);
    if (img instanceof DatasetError) { items.push(failed(id, img)); return; }
    items.push({
      format: 'ocrbench', question: v.question.trim(), image: img, imageName: name, answers, questionId: qid, position: i,
      datasetName: v.dataset_name, type: v.type, cluster: name,
    });
  });
  return finishWithImageChecks(items);
}
