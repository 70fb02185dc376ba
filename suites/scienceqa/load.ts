import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError, toErrorRecord } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { regressionTag } from '../common/shared.ts';
import { checkImages, isRecord, readJsonFile, resolveInside, utf8Error } from './files.ts';
import { parseCqmTurns, sqaCqmInput, sqaQuestionFromHumanTurn } from '../../src/scoring/sqa-prompt.ts';

/** One ScienceQA test problem, ready to ask and to score. */
export interface SqaDoc {
  pid: string;
  /** The question text the model sees (LLaVA CQM input), without the image tag and the suffix. */
  prompt: string;
  choices: string[];
  answer: number;
  /** `hint` (context); '' when none. */
  hint: string;
  /** 'natural science' | 'social science' | 'language science' ('' when unknown). */
  subject: string;
  /** 'grade1' … 'grade12' ('' when unknown). */
  grade: string;
  /** Absolute image path, when the problem has an image. */
  image?: string;
  imageName?: string;
}

export type SqaFormat = 'official' | 'llava';
export const LLAVA_SQA_FILE = 'llava_test_CQM-A.json';

/** The folder holding problems.json: the dataset folder itself or its `data/scienceqa/`. */
export function officialBase(dir: string): string | undefined {
  for (const base of [dir, path.join(dir, 'data', 'scienceqa')]) if (existsSync(path.join(base, 'problems.json'))) return base;
  return undefined;
}

export function detectFormat(dir: string, format: 'auto' | SqaFormat): SqaFormat {
  if (format !== 'auto') return format;
  if (existsSync(path.join(dir, LLAVA_SQA_FILE))) return 'llava';
  if (officialBase(dir)) return 'official';
  throw new DatasetError(`not a ScienceQA folder: neither ${LLAVA_SQA_FILE} nor problems.json found`, {
    file: dir, hint: "use 'dataset: builtin' or point the suite at the ScienceQA download (problems.json, pid_splits.json, images/)",
  });
}

/** The layout files the chosen format needs are there (a cheap check before a run starts). */
export function checkScienceQAFolder(dir: string, format: 'auto' | SqaFormat): void {
  const f = detectFormat(dir, format);
  if (f === 'llava' && !existsSync(path.join(dir, LLAVA_SQA_FILE))) {
    throw new DatasetError(`format llava needs ${LLAVA_SQA_FILE} in the dataset folder`, { file: dir, field: 'options.format', hint: 'or use format: official with problems.json' });
  }
  if (f === 'official' && !officialBase(dir)) {
    throw new DatasetError('format official needs problems.json (or data/scienceqa/problems.json) in the dataset folder', { file: dir, field: 'options.format' });
  }
}

type Problem = Omit<SqaDoc, 'pid' | 'prompt' | 'image' | 'imageName'> & { imageFile: string | null; question: string };

/** Validate one problems.json entry; the field at fault is named as `<pid>.<field>`. */
function readProblem(pid: string, v: unknown, file: string): Problem | DatasetError {
  const bad = (field: string, what: string) => new DatasetError(`problem ${pid}: ${what}`, { file, field: `${pid}.${field}` });
  if (!isRecord(v)) return bad('', 'not an object');
  const notUtf8 = utf8Error(v, file, pid, `problem ${pid}`);
  if (notUtf8) return notUtf8;
  if (typeof v.question !== 'string') return bad('question', '"question" must be a string');
  if (!Array.isArray(v.choices) || v.choices.length < 2 || v.choices.length > 5 || !v.choices.every((c) => typeof c === 'string')) {
    return bad('choices', '"choices" must be 2 to 5 strings');
  }
  if (typeof v.answer !== 'number' || !Number.isInteger(v.answer) || v.answer < 0 || v.answer >= v.choices.length) {
    return bad('answer', `"answer" must be an index into choices (got ${JSON.stringify(v.answer)})`);
  }
  if (v.hint !== undefined && v.hint !== null && typeof v.hint !== 'string') return bad('hint', '"hint" must be a string');
  if (v.image !== undefined && v.image !== null && typeof v.image !== 'string') return bad('image', '"image" must be a file name or null');
  return {
    question: v.question, choices: v.choices as string[], answer: v.answer, hint: (v.hint as string | null) ?? '',
    subject: typeof v.subject === 'string' ? v.subject : '', grade: typeof v.grade === 'string' ? v.grade : '',
    imageFile: (v.image as string | null | undefined) ?? null,
  };
}

async function readProblems(base: string): Promise<{ file: string; problems: Record<string, unknown> }> {
  const file = path.join(base, 'problems.json');
  const problems = await readJsonFile(file, 'problems.json comes from the ScienceQA download (data/scienceqa/problems.json)');
  if (!isRecord(problems)) throw new DatasetError('problems.json must map problem ids to problems', { file });
  return { file, problems };
}

const fail = (id: string, err: DatasetError): LoadedSample<SqaDoc> => ({ id, error: toErrorRecord(err) });

/** Attach image checks: a missing or undecodable image turns its sample into an error value. */
async function withImageChecks(items: (SqaDoc | LoadedSample<SqaDoc>)[]): Promise<LoadedSample<SqaDoc>[]> {
  const docs = items.filter((x): x is SqaDoc => 'pid' in x);
  const checks = await checkImages(docs.flatMap((d) => (d.image ? [d.image] : [])), 'image');
  return items.map((x) => {
    if (!('pid' in x)) return x;
    const err = x.image ? checks.get(x.image) : undefined;
    return err ? fail(x.pid, err) : { id: x.pid, doc: x, tags: [x.image ? 'img' : 'no-img', x.subject, ...regressionTag(x.pid)].filter(Boolean) };
  });
}

/** The official layout: problems.json + pid_splits.json + images/<split>/<pid>/<image>. */
export async function loadOfficial(dir: string, split: string): Promise<LoadedSample<SqaDoc>[]> {
  const base = officialBase(dir);
  if (!base) throw new DatasetError('problems.json not found', { file: dir, hint: 'expected problems.json (or data/scienceqa/problems.json) in the dataset folder' });
  const { file, problems } = await readProblems(base);
  const splitsFile = path.join(base, 'pid_splits.json');
  const splits = await readJsonFile(splitsFile, 'pid_splits.json comes with problems.json in the ScienceQA download');
  const pids = isRecord(splits) ? splits[split] : undefined;
  if (!Array.isArray(pids)) throw new DatasetError(`pid_splits.json has no split "${split}"`, { file: splitsFile, field: split, hint: `available: ${isRecord(splits) ? Object.keys(splits).join(', ') : 'none'}` });
  const items: (SqaDoc | LoadedSample<SqaDoc>)[] = [];
  for (const [i, rawPid] of pids.entries()) {
    const pid = String(rawPid);
    if (!(pid in problems)) { items.push(fail(pid, new DatasetError(`problem ${pid} of split ${split} is not in problems.json`, { file: splitsFile, field: `${split}[${i}]` }))); continue; }
    const p = readProblem(pid, problems[pid], file);
    if (p instanceof DatasetError) { items.push(fail(pid, p)); continue; }
    const doc: SqaDoc = { pid, prompt: sqaCqmInput(p), choices: p.choices, answer: p.answer, hint: p.hint, subject: p.subject, grade: p.grade };
    if (p.imageFile !== null) {
      const img = resolveInside(base, path.join('images', split, pid, p.imageFile), file, `${pid}.image`);
      if (img instanceof DatasetError) { items.push(fail(pid, img)); continue; }
      Object.assign(doc, { image: img, imageName: `${pid}/${p.imageFile}` });
    }
    items.push(doc);
  }
  return withImageChecks(items);
}

/**
 * LLaVA's converted question file (`llava_test_CQM-A.json`, images under `images/test/<pid>/image.png`
 * or `imageFolder`). Ground truth, subject and grade come from problems.json when it is present — as in
 * LLaVA's eval_science_qa.py — otherwise from the item's own turns (category table then incomplete).
 */
export async function loadLlava(dir: string, imageFolder?: string): Promise<LoadedSample<SqaDoc>[]> {
  const file = path.join(dir, LLAVA_SQA_FILE);
  const list = await readJsonFile(file, `${LLAVA_SQA_FILE} ships in LLaVA's eval.zip`);
  if (!Array.isArray(list)) throw new DatasetError(`${LLAVA_SQA_FILE} must be a JSON array`, { file });
  const base = officialBase(dir);
  const problems = base ? (await readProblems(base)).problems : undefined;
  const images = imageFolder ? path.resolve(dir, imageFolder) : path.join(dir, 'images', 'test');
  const items: (SqaDoc | LoadedSample<SqaDoc>)[] = [];
  for (const [i, item] of list.entries()) {
    const bad = (field: string, what: string) => new DatasetError(`item ${i}: ${what}`, { file, field: `[${i}].${field}` });
    const id = isRecord(item) && (typeof item.id === 'string' || typeof item.id === 'number') ? String(item.id) : `item${i}`;
    const turns = isRecord(item) ? item.conversations : undefined;
    if (!isRecord(item) || id === `item${i}`) { items.push(fail(id, bad('id', 'missing "id"'))); continue; }
    const notUtf8 = utf8Error(item, file, `[${i}]`, `item ${i}`);
    if (notUtf8) { items.push(fail(id, notUtf8)); continue; }
    if (!Array.isArray(turns) || !isRecord(turns[0]) || typeof turns[0].value !== 'string') { items.push(fail(id, bad('conversations', '"conversations[0].value" must be a string'))); continue; }
    if (item.image !== undefined && typeof item.image !== 'string') { items.push(fail(id, bad('image', '"image" must be a string'))); continue; }
    const prompt = sqaQuestionFromHumanTurn(turns[0].value);
    let truth: Omit<SqaDoc, 'pid' | 'prompt' | 'image' | 'imageName'> | DatasetError;
    if (problems) {
      const p = id in problems ? readProblem(id, problems[id], path.join(base!, 'problems.json')) : bad('id', `problem ${id} is not in problems.json`);
      truth = p instanceof DatasetError ? p : { choices: p.choices, answer: p.answer, hint: p.hint, subject: p.subject, grade: p.grade };
    } else {
      const gpt = isRecord(turns[1]) && typeof turns[1].value === 'string' ? turns[1].value : '';
      const parsed = parseCqmTurns(turns[0].value, gpt);
      truth = parsed ? { choices: parsed.choices, answer: parsed.answer, hint: parsed.hint, subject: '', grade: '' } : bad('conversations', 'cannot read options and "The answer is X." without problems.json');
    }
    if (truth instanceof DatasetError) { items.push(fail(id, truth)); continue; }
    const doc: SqaDoc = { pid: id, prompt, ...truth };
    if (typeof item.image === 'string') {
      const img = resolveInside(images, item.image, file, `[${i}].image`);
      if (img instanceof DatasetError) { items.push(fail(id, img)); continue; }
      Object.assign(doc, { image: img, imageName: item.image });
    }
    items.push(doc);
  }
  return withImageChecks(items);
}
