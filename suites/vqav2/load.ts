import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { LLAVA_SHORT_SUFFIX } from '../../src/scoring/textvqa-prompt.ts';
import { idOf } from '../ocr/doc.ts';
import { checkSampleImages, failedSample, regressionTag } from '../common/shared.ts';
import { isRecord, readJsonFile, readJsonlFile, resolveInside } from '../scienceqa/files.ts';

/** One VQAv2 question; `answers` absent on test splits (scored by the EvalAI server). */
export interface VqaDoc {
  questionId: string;
  question: string;
  image: string;
  imageName: string;
  answers: string[];
  answerType?: string;
  cluster: string;
  scored: boolean;
}

const cocoName = (subtype: string, imageId: number) => `COCO_${subtype}_${String(imageId).padStart(12, '0')}.jpg`;
const ID = (qid: string) => `vqav2-${qid}`;

/** Files of the official VQA v2 layout for a split such as val2014. */
export const vqav2Files = (dir: string, split: string) => ({
  questions: path.join(dir, `v2_OpenEnded_mscoco_${split}_questions.json`),
  annotations: path.join(dir, `v2_mscoco_${split}_annotations.json`),
  llava: path.join(dir, `llava_vqav2_mscoco_${split}.jsonl`),
});

/**
 * VQAv2: the official questions + annotations JSON of a split with answers (val2014: scored locally with
 * VQA soft accuracy), or LLaVA's question file for a test split (`llava_vqav2_mscoco_test-dev2015.jsonl`:
 * no answers; the run's answers go to the EvalAI server through the submission file).
 */
export async function loadVqav2(dir: string, split: string, imageFolder?: string): Promise<LoadedSample<VqaDoc>[]> {
  const f = vqav2Files(dir, split);
  if (existsSync(f.questions) && existsSync(f.annotations)) return loadOfficial(dir, split, f, imageFolder);
  if (existsSync(f.llava)) return loadLlava(dir, split, f.llava, imageFolder);
  throw new DatasetError(`no VQAv2 files for split '${split}': need ${path.basename(f.questions)} and ${path.basename(f.annotations)}, or ${path.basename(f.llava)}`, {
    file: dir, field: 'split', hint: "use split val2014 with the official annotations (scored here) or test-dev2015 with LLaVA's question file (submission only), or 'dataset: builtin'",
  });
}

async function loadOfficial(dir: string, split: string, f: ReturnType<typeof vqav2Files>, imageFolder?: string): Promise<LoadedSample<VqaDoc>[]> {
  const qroot = await readJsonFile(f.questions, 'the questions file comes from visualqa.org (VQA v2)');
  const aroot = await readJsonFile(f.annotations, 'the annotations file comes from visualqa.org (VQA v2)');
  if (!isRecord(qroot) || !Array.isArray(qroot.questions)) throw new DatasetError('VQAv2 questions need a "questions" list', { file: f.questions, field: 'questions' });
  if (!isRecord(aroot) || !Array.isArray(aroot.annotations)) throw new DatasetError('VQAv2 annotations need an "annotations" list', { file: f.annotations, field: 'annotations' });
  const subtype = typeof qroot.data_subtype === 'string' ? qroot.data_subtype : split;
  const images = path.resolve(dir, imageFolder ?? subtype);
  const byQid = new Map<string, { answers: string[]; answerType?: string } | DatasetError>();
  aroot.annotations.forEach((a, i) => {
    const qid = isRecord(a) ? idOf(a.question_id) : undefined;
    if (!isRecord(a) || qid === undefined) return;
    const answers = Array.isArray(a.answers) ? a.answers.map((x) => (isRecord(x) && typeof x.answer === 'string' ? x.answer : undefined)) : [];
    if (answers.length === 0 || answers.some((x) => x === undefined)) {
      byQid.set(qid, new DatasetError(`annotation ${qid}: "answers" must be a list of {answer} objects`, { file: f.annotations, field: `annotations[${i}].answers` }));
      return;
    }
    byQid.set(qid, { answers: answers as string[], answerType: typeof a.answer_type === 'string' ? a.answer_type : undefined });
  });
  const items: LoadedSample<VqaDoc>[] = [];
  qroot.questions.forEach((q, i) => {
    const qid = isRecord(q) ? idOf(q.question_id) : undefined;
    const bad = (field: string, what: string) => failedSample(ID(qid ?? `q${i}`), new DatasetError(`questions[${i}]: ${what}`, { file: f.questions, field: `questions[${i}].${field}` }));
    if (!isRecord(q) || qid === undefined) { items.push(bad('question_id', 'missing "question_id"')); return; }
    if (typeof q.question !== 'string') { items.push(bad('question', '"question" must be a string')); return; }
    if (typeof q.image_id !== 'number') { items.push(bad('image_id', '"image_id" must be a number')); return; }
    const ann = byQid.get(qid);
    if (ann === undefined) { items.push(failedSample(ID(qid), new DatasetError(`no annotation for question ${qid}`, { file: f.annotations, field: 'annotations' }))); return; }
    if (ann instanceof DatasetError) { items.push(failedSample(ID(qid), ann)); return; }
    const imageName = cocoName(subtype, q.image_id);
    const img = resolveInside(images, imageName, f.questions, 'image_id');
    if (img instanceof DatasetError) { items.push(failedSample(ID(qid), img)); return; }
    items.push({ id: ID(qid), tags: ['vqav2', ...regressionTag(String(q.image_id))], doc: { questionId: qid, question: q.question, image: img, imageName, answers: ann.answers, answerType: ann.answerType, cluster: String(q.image_id), scored: true } });
  });
  return checkSampleImages(items, (d) => d.image);
}

async function loadLlava(dir: string, split: string, file: string, imageFolder?: string): Promise<LoadedSample<VqaDoc>[]> {
  const images = path.resolve(dir, imageFolder ?? (split.startsWith('test') ? 'test2015' : split));
  const items: LoadedSample<VqaDoc>[] = [];
  for (const entry of await readJsonlFile(file, "LLaVA's VQAv2 question files ship in its eval.zip")) {
    if ('error' in entry) { items.push(failedSample(ID(`line${entry.line}`), entry.error)); continue; }
    const v = entry.value;
    const qid = idOf(v.question_id);
    const bad = (field: string, what: string) => failedSample(ID(qid ?? `line${entry.line}`), new DatasetError(`line ${entry.line}: ${what}`, { file, line: entry.line, field }));
    if (qid === undefined) { items.push(bad('question_id', 'missing "question_id"')); continue; }
    if (typeof v.text !== 'string') { items.push(bad('text', '"text" must be a string')); continue; }
    if (typeof v.image !== 'string') { items.push(bad('image', '"image" must be a string')); continue; }
    const img = resolveInside(images, v.image, file, 'image');
    if (img instanceof DatasetError) { items.push(failedSample(ID(qid), img)); continue; }
    // The file's prompts end with LLaVA's suffix; the family's suffix is added when asking.
    const question = v.text.endsWith(LLAVA_SHORT_SUFFIX) ? v.text.slice(0, -LLAVA_SHORT_SUFFIX.length) : v.text;
    items.push({ id: ID(qid), tags: ['vqav2', 'test', ...regressionTag(v.image)], doc: { questionId: qid, question, image: img, imageName: v.image, answers: [], cluster: v.image, scored: false } });
  }
  return checkSampleImages(items, (d) => d.image);
}

