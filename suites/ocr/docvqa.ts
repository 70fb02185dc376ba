import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { isRecord, readJsonFile, resolveInside, utf8Error } from '../scienceqa/files.ts';
import { failed, finishWithImageChecks, formatFile, idOf, isStringArray, sampleId, type OcrDoc } from './doc.ts';

/**
 * DocVQA (and DocVQA-style ANLS sets): `val_v1.0.json` = {data: [{questionId, question, image, docId,
 * answers}]} with page images relative to the dataset folder (`documents/…`). The test split has no
 * answers (scored by the RRC server), so its items are reported as errors rather than scored as 0.
 */
export async function loadDocVqa(dir: string, opts: { file?: string }): Promise<LoadedSample<OcrDoc>[]> {
  const file = opts.file ? path.resolve(dir, opts.file) : formatFile(dir, 'docvqa')!;
  const root = await readJsonFile(file, 'val_v1.0.json comes from the DocVQA download (rrc.cvc.uab.es)');
  if (!isRecord(root) || !Array.isArray(root.data)) throw new DatasetError('DocVQA annotations need a "data" list', { file, field: 'data' });
  const items: (OcrDoc | LoadedSample<OcrDoc>)[] = [];
  root.data.forEach((v, i) => {
    const bad = (field: string, what: string, hint?: string) => new DatasetError(`data[${i}]: ${what}`, { file, field: `data[${i}].${field}`, hint });
    const qid = isRecord(v) ? idOf(v.questionId) : undefined;
    const id = sampleId('docvqa', qid ?? `data${i}`);
    if (!isRecord(v) || qid === undefined) { items.push(failed(id, bad('questionId', 'missing "questionId"'))); return; }
    const notUtf8 = utf8Error(v, file, `data[${i}]`, `data[${i}]`);
    if (notUtf8) { items.push(failed(id, notUtf8)); return; }
    if (typeof v.question !== 'string') { items.push(failed(id, bad('question', '"question" must be a string'))); return; }
    if (typeof v.image !== 'string') { items.push(failed(id, bad('image', '"image" must be a string'))); return; }
    if (!isStringArray(v.answers) || v.answers.length === 0) {
      items.push(failed(id, bad('answers', '"answers" must be a non-empty list of strings', 'the DocVQA test split has no public answers; use val')));
      return;
    }
    const img = resolveInside(dir, v.image, file, `data[${i}].image`);
    if (img instanceof DatasetError) { items.push(failed(id, img)); return; }
    items.push({ format: 'docvqa', question: v.question, image: img, imageName: v.image, answers: v.answers, questionId: qid, cluster: String(v.docId ?? v.image) });
  });
  return finishWithImageChecks(items);
}
