import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { LLAVA_SHORT_SUFFIX, textvqaQuestionFromPrompt } from '../../src/scoring/textvqa-prompt.ts';
import { isRecord, readJsonFile, readJsonlFile, resolveInside, utf8Error } from '../scienceqa/files.ts';
import { failed, finishWithImageChecks, formatFile, idOf, isStringArray, sampleId, type OcrDoc } from './doc.ts';

export const LLAVA_TEXTVQA_FILE = 'llava_textvqa_val_v051_ocr.jsonl';

interface Annotation { questionId: string; question: string; imageId: string; answers: string[] }

/** Validate one `data[]` entry of TextVQA_0.5.1_val.json; the official evaluator asserts ten answers. */
function readAnnotation(v: unknown, i: number, file: string): Annotation | DatasetError {
  const bad = (field: string, what: string) => new DatasetError(`data[${i}]: ${what}`, { file, field: `data[${i}].${field}` });
  if (!isRecord(v)) return bad('', 'not an object');
  const notUtf8 = utf8Error(v, file, `data[${i}]`, `data[${i}]`);
  if (notUtf8) return notUtf8;
  const questionId = idOf(v.question_id);
  if (questionId === undefined) return bad('question_id', 'missing "question_id"');
  if (typeof v.question !== 'string') return bad('question', '"question" must be a string');
  if (typeof v.image_id !== 'string') return bad('image_id', '"image_id" must be a string');
  if (!isStringArray(v.answers) || v.answers.length !== 10) return bad('answers', '"answers" must be ten strings (the official evaluator asserts ten)');
  return { questionId, question: v.question, imageId: v.image_id, answers: v.answers };
}

function imageFolder(dir: string, opt?: string): string {
  if (opt) return path.resolve(dir, opt);
  for (const sub of ['train_images', path.join('train_val_images', 'train_images')]) if (existsSync(path.join(dir, sub))) return path.join(dir, sub);
  return dir;
}

/**
 * TextVQA val: annotations from TextVQA_0.5.1_val.json; questions either from the annotations ('plain')
 * or from LLaVA's OCR-token question file ('llava-ocr', the LLaVA-1.5 protocol), matched to annotations
 * by (image id, question.lower()) exactly as eval_textvqa.py does. 'auto' uses the LLaVA file when present.
 */
export async function loadTextVqa(dir: string, opts: { questions: 'auto' | 'plain' | 'llava-ocr'; imageFolder?: string }): Promise<LoadedSample<OcrDoc>[]> {
  const file = formatFile(dir, 'textvqa')!;
  const root = await readJsonFile(file, 'TextVQA_0.5.1_val.json comes from textvqa.org (v0.5.1 val annotations)');
  if (!isRecord(root) || !Array.isArray(root.data)) throw new DatasetError('TextVQA annotations need a "data" list', { file, field: 'data' });
  const images = imageFolder(dir, opts.imageFolder);
  const items: (OcrDoc | LoadedSample<OcrDoc>)[] = [];
  const annotations = new Map<string, Annotation>();
  const plain: Annotation[] = [];
  root.data.forEach((v, i) => {
    const a = readAnnotation(v, i, file);
    if (a instanceof DatasetError) { items.push(failed(sampleId('textvqa', idOf(isRecord(v) ? v.question_id : undefined) ?? `data${i}`), a)); return; }
    annotations.set(`${a.imageId}\u0000${a.question.toLowerCase()}`, a);
    plain.push(a);
  });
  const image = (name: string, field: string, src: string) => resolveInside(images, name, src, field);
  const llavaFile = path.join(dir, LLAVA_TEXTVQA_FILE);
  const useLlava = opts.questions === 'llava-ocr' || (opts.questions === 'auto' && existsSync(llavaFile));
  if (!useLlava) {
    for (const a of plain) {
      const img = image(`${a.imageId}.jpg`, 'image_id', file);
      if (img instanceof DatasetError) { items.push(failed(sampleId('textvqa', a.questionId), img)); continue; }
      items.push({ format: 'textvqa', question: a.question, image: img, imageName: `${a.imageId}.jpg`, answers: a.answers, questionId: a.questionId, cluster: a.imageId });
    }
    return finishWithImageChecks(items);
  }
  // LLaVA path: only the question file's lines are asked; an invalid annotation surfaces as "no annotation"
  // on the line that needs it.
  items.length = 0;
  for (const entry of await readJsonlFile(llavaFile, `${LLAVA_TEXTVQA_FILE} ships in LLaVA's eval.zip`)) {
    // Until the annotation is found the line number names the sample: upstream's question_id is the
    // image id (eval_textvqa.py matches annotations on it), shared by every question about that image.
    const lineId = sampleId('textvqa', `line${entry.line}`);
    if ('error' in entry) { items.push(failed(lineId, entry.error)); continue; }
    const v = entry.value;
    const bad = (field: string, what: string) => new DatasetError(`line ${entry.line}: ${what}`, { file: llavaFile, line: entry.line, field });
    if (idOf(v.question_id) === undefined) { items.push(failed(lineId, bad('question_id', 'missing "question_id"'))); continue; }
    if (typeof v.text !== 'string') { items.push(failed(lineId, bad('text', '"text" must be a string'))); continue; }
    if (typeof v.image !== 'string') { items.push(failed(lineId, bad('image', '"image" must be a string'))); continue; }
    const question = textvqaQuestionFromPrompt(v.text);
    const imageId = path.basename(v.image).replace(/\.[^.]+$/, '');
    const a = question === undefined ? undefined : annotations.get(`${imageId}\u0000${question}`);
    // Once found, the annotation's question_id (unique, and the same as with 'plain') names the sample.
    const id = a ? sampleId('textvqa', a.questionId) : lineId;
    const img = image(v.image, 'image', llavaFile);
    if (img instanceof DatasetError) { items.push(failed(id, img)); continue; }
    if (!a) { items.push(failed(id, bad('text', `no annotation in ${path.basename(file)} for image ${imageId} and this question`))); continue; }
    // The file's prompts already end with LLaVA's suffix; the family's suffix is added when asking.
    const text = v.text.endsWith(LLAVA_SHORT_SUFFIX) ? v.text.slice(0, -LLAVA_SHORT_SUFFIX.length) : v.text;
    items.push({ format: 'textvqa', question: text, image: img, imageName: v.image, answers: a.answers, questionId: a.questionId, cluster: imageId });
  }
  return finishWithImageChecks(items);
}
