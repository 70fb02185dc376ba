import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError, toErrorRecord } from '../../src/core/errors.ts';
import type { JsonlEntry } from '../../src/core/jsonl.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import type { BoxInstance } from '../../src/judge/prompt.ts';
import type { LlavaBenchItem } from '../../src/judge/sample.ts';
import { LLAVA_CATEGORIES, type LlavaCategory, type LlavaLayout } from '../../src/judge/rules.ts';
import { parseCocoContextLine, readJsonl, wildCaptions } from './jsonl.ts';
import { isInside } from '../scienceqa/files.ts';

/** One LLaVA-Bench question with everything needed to ask the model and to judge the answer. */
export interface LlavaBenchDoc extends LlavaBenchItem {
  /** Absolute image path (inside the image folder). */
  image: string;
}

/** File names of the two official layouts (LLaVA `docs/LLaVA_Bench.md`). */
export const LAYOUT_FILES = {
  wild: { questions: 'questions.jsonl', answers: 'answers_gpt4.jsonl', context: 'context.jsonl' },
  coco: { questions: 'qa90_questions.jsonl', answers: 'qa90_gpt4_answer.jsonl', context: 'caps_boxes_coco2014_val_80.jsonl' },
} as const;

export interface LoadOptions {
  layout: 'auto' | LlavaLayout;
  /** COCO image folder (absolute or relative to the dataset); default: images/ or val2014/ in the dataset. */
  cocoImages?: string;
}

export const sampleId = (layout: LlavaLayout, qid: string) => `${layout}-${qid}`;
const fail = (id: string, err: DatasetError): LoadedSample<LlavaBenchDoc> => ({ id, error: toErrorRecord(err) });

/** Layouts present in a dataset folder. */
export function detectLayouts(dir: string, layout: LoadOptions['layout']): LlavaLayout[] {
  const present = (['wild', 'coco'] as const).filter((l) => existsSync(path.join(dir, LAYOUT_FILES[l].questions)));
  if (layout !== 'auto') {
    if (!present.includes(layout)) {
      throw new DatasetError(`no ${LAYOUT_FILES[layout].questions} in the dataset folder`, {
        file: dir, field: 'options.layout', hint: `LLaVA-Bench ${layout === 'wild' ? 'In-the-Wild' : 'COCO'} needs ${Object.values(LAYOUT_FILES[layout]).join(', ')}`,
      });
    }
    return [layout];
  }
  if (present.length === 0) {
    throw new DatasetError('not a LLaVA-Bench folder: neither questions.jsonl (In-the-Wild) nor qa90_questions.jsonl (COCO) found', {
      file: dir, hint: "use 'dataset: builtin' or point the suite at a LLaVA-Bench folder",
    });
  }
  return present;
}

/** Resolve an image name inside one of its folders; names that escape the folder are refused. */
function resolveImage(folders: string[], name: string, file: string, candidates: string[]): string | DatasetError {
  for (const f of folders) {
    const folder = path.resolve(f);
    for (const n of candidates) {
      const p = path.resolve(folder, n);
      if (!isInside(folder, p)) {
        return new DatasetError(`image path "${name}" escapes the image folder`, { file, field: 'image', hint: 'image names must be relative to the image folder' });
      }
      if (existsSync(p)) return p;
    }
  }
  const where = path.join(folders[0] ?? '', name);
  return new DatasetError(`image not found: ${where}`, { file: where, field: 'image', hint: `looked in ${folders.join(', ')}; check the image folder of the dataset` });
}

/** COCO images: the configured folder, else val2014/ or images/ in the dataset, else the dataset itself. */
function cocoImageFolders(dir: string, opt?: string): string[] {
  if (opt) return [path.resolve(dir, opt)];
  const found = ['val2014', 'images'].map((s) => path.join(dir, s)).filter((p) => existsSync(p));
  return found.length > 0 ? found : [dir];
}

/** Context of one layout keyed by image name; bad context lines are reported once, on their questions. */
async function loadContext(dir: string, layout: LlavaLayout) {
  const file = path.join(dir, LAYOUT_FILES[layout].context);
  const byImage = new Map<string, { captions: string[]; instances?: BoxInstance[] } | DatasetError>();
  if (!existsSync(file)) return { file, byImage };
  for (const l of await readJsonl(file)) {
    if ('error' in l) continue; // a broken context line surfaces as "no context" on the questions that need it
    try {
      if (layout === 'coco') {
        const c = parseCocoContextLine(l.raw, file);
        byImage.set(c.image, { captions: c.captions, instances: c.instances });
      } else {
        const caps = wildCaptions(l.value.caption);
        if (typeof l.value.image !== 'string') continue;
        byImage.set(l.value.image, caps ? { captions: caps } : new DatasetError('"caption" must be a string or a list of strings', { file, field: 'caption', line: l.line }));
      }
    } catch (err) {
      const image = typeof l.value.image === 'string' ? l.value.image : undefined;
      if (image && err instanceof DatasetError) byImage.set(image, err);
    }
  }
  return { file, byImage };
}

interface Question { qid: string; image: string; text: string; category: LlavaCategory; line: number }

function readQuestion(l: Extract<JsonlEntry, { value: unknown }>, file: string): Question | DatasetError {
  const v = l.value;
  const qid = typeof v.question_id === 'number' || typeof v.question_id === 'string' ? String(v.question_id) : undefined;
  const bad = (field: string, what: string) => new DatasetError(`line ${l.line}: ${what}`, { file, field, line: l.line });
  if (qid === undefined) return bad('question_id', 'missing "question_id"');
  if (typeof v.image !== 'string') return bad('image', 'missing "image"');
  if (typeof v.text !== 'string') return bad('text', 'missing "text"');
  if (!LLAVA_CATEGORIES.includes(v.category as LlavaCategory)) return bad('category', `"category" must be one of conv, detail, complex (got ${JSON.stringify(v.category)})`);
  return { qid, image: v.image, text: v.text, category: v.category as LlavaCategory, line: l.line };
}

/** Load one layout; every problem is a per-sample error, the rest loads. `keep` filters by category. */
export async function loadLayout(dir: string, layout: LlavaLayout, opts: LoadOptions, keep: (c: LlavaCategory | undefined) => boolean): Promise<LoadedSample<LlavaBenchDoc>[]> {
  const files = LAYOUT_FILES[layout];
  const qFile = path.join(dir, files.questions);
  const aFile = path.join(dir, files.answers);
  const out: LoadedSample<LlavaBenchDoc>[] = [];
  const questions = new Map<string, Question>();
  for (const l of await readJsonl(qFile)) {
    const q = 'error' in l ? l.error : readQuestion(l, qFile);
    const guessedCategory = /"category"\s*:\s*"(conv|detail|complex)"/.exec(l.raw)?.[1] as LlavaCategory | undefined;
    if (q instanceof DatasetError) { if (keep(guessedCategory)) out.push(fail(`${layout}-line${l.line}`, q)); continue; }
    if (questions.has(q.qid)) {
      if (keep(q.category)) out.push(fail(`${layout}-line${l.line}`, new DatasetError(`line ${l.line}: duplicate question_id ${q.qid}`, { file: qFile, field: 'question_id', line: l.line })));
      continue;
    }
    questions.set(q.qid, q);
  }
  const answers = new Map<string, string>();
  if (!existsSync(aFile)) throw new DatasetError(`missing reference answers ${files.answers}`, { file: aFile, hint: 'the GPT-4 reference answers are required for judging' });
  for (const l of await readJsonl(aFile)) {
    const qid = 'value' in l && (typeof l.value.question_id === 'number' || typeof l.value.question_id === 'string') ? String(l.value.question_id) : undefined;
    const text = 'value' in l ? l.value.text : undefined;
    const cat = 'value' in l ? (l.value.category as LlavaCategory | undefined) : undefined;
    if (qid === undefined || typeof text !== 'string') {
      if (keep(cat)) out.push(fail(`${layout}-answers-line${l.line}`, 'error' in l ? l.error : new DatasetError(`line ${l.line}: answer needs "question_id" and "text"`, { file: aFile, line: l.line })));
      continue;
    }
    if (!questions.has(qid)) {
      if (keep(cat)) out.push(fail(sampleId(layout, qid), new DatasetError(`reference answer for question_id ${qid} (line ${l.line}) has no question in ${files.questions}`, { file: aFile, field: 'question_id', line: l.line, hint: 'question and answer files must list the same question ids' })));
      continue;
    }
    answers.set(qid, text);
  }
  const { file: cFile, byImage } = await loadContext(dir, layout);
  const imageFolders = layout === 'wild' ? [path.join(dir, 'images')] : cocoImageFolders(dir, opts.cocoImages);
  for (const q of questions.values()) {
    if (!keep(q.category)) continue;
    const id = sampleId(layout, q.qid);
    const reference = answers.get(q.qid);
    if (reference === undefined) { out.push(fail(id, new DatasetError(`question_id ${q.qid} has no reference answer in ${files.answers}`, { file: aFile, field: 'question_id' }))); continue; }
    const ctx = byImage.get(q.image);
    if (ctx === undefined) { out.push(fail(id, new DatasetError(`no context (captions) for image ${q.image}`, { file: cFile, field: 'image' }))); continue; }
    if (ctx instanceof DatasetError) { out.push(fail(id, ctx)); continue; }
    const candidates = layout === 'coco' ? [q.image, `COCO_val2014_${q.image}`] : [q.image];
    const image = resolveImage(imageFolders, q.image, qFile, candidates);
    if (image instanceof DatasetError) { out.push(fail(id, image)); continue; }
    out.push({
      id,
      // No tags: the runner's hash-based `regression` subset applies (a dataset tag list would replace it).
      doc: { layout, questionId: q.qid, category: q.category, question: q.text, image, imageName: q.image, reference, ...ctx },
    });
  }
  return out;
}

/** Load every selected layout of a dataset folder, keeping only the given categories. */
export async function loadLlavaBench(dir: string, opts: LoadOptions, categories: readonly LlavaCategory[]): Promise<LoadedSample<LlavaBenchDoc>[]> {
  const keep = (c: LlavaCategory | undefined) => c === undefined || categories.includes(c);
  const out: LoadedSample<LlavaBenchDoc>[] = [];
  for (const layout of detectLayouts(dir, opts.layout)) out.push(...(await loadLayout(dir, layout, opts, keep)));
  return out;
}
