import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample } from '../../src/core/suite.ts';
import { MMBENCH_OPTIONS, mmbenchGroup } from '../../src/scoring/mmbench.ts';
import { failedSample, regressionTag } from '../common/shared.ts';
import { isNone, readTsv } from './tsv.ts';

export interface MmbenchDoc {
  /** TSV index; with generated rotations (allRounds) index + k·1e6 as the official circular rows use. */
  index: number;
  /** The question text the model sees before the suffix: hint, question, "A. …" lines (model_vqa_mmbench.py). */
  prompt: string;
  /** Letter → option text as asked. */
  choices: Record<string, string>;
  answer?: string;
  imageBase64: string;
  category?: string;
  l2Category?: string;
  split?: string;
}

export const MMBENCH_FILES = { en: ['mmbench_dev_20230712.tsv', 'mmbench_dev_en_20231003.tsv'], cn: ['mmbench_dev_cn_20231003.tsv'] } as const;

/** The TSV to read: options.file, or the first official dev file of the language in the folder. */
export function mmbenchFile(dir: string, lang: 'en' | 'cn', file?: string): string {
  if (file) return path.resolve(dir, file);
  const found = MMBENCH_FILES[lang].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!found) throw new DatasetError(`no ${MMBENCH_FILES[lang].join(' or ')} in the dataset folder`, { file: dir, field: 'options.file', hint: "name the TSV with options.file (e.g. a test split), or use 'dataset: builtin'" });
  return found;
}

/** model_vqa_mmbench.py: hint (when present) + question + "\nA. …" per option. */
export function mmbenchPrompt(question: string, hint: string | undefined, options: readonly string[]): string {
  let q = isNone(hint) ? question : `${hint}\n${question}`;
  options.forEach((o, i) => { q += `\n${MMBENCH_OPTIONS[i]}. ${o}`; });
  return q;
}

/**
 * MMBench TSV rows. 'file': every row as it is (the official dev/test TSVs already hold each rotation as a
 * row, index + k·1e6). 'all-rounds': the main rows only, each asked once per rotation of its options
 * (model_vqa_mmbench.py --all-rounds: letters stay, option texts rotate; the answer letter follows).
 */
export async function loadMmbench(file: string, lang: 'en' | 'cn', rounds: 'file' | 'all-rounds'): Promise<LoadedSample<MmbenchDoc>[]> {
  const { header, rows } = await readTsv(file, 'MMBench TSVs come from download.openmmlab.com (mmbench_dev_20230712.tsv, mmbench_dev_cn_20231003.tsv)');
  for (const col of ['index', 'question', 'A', 'B', 'image']) if (!header.includes(col)) throw new DatasetError(`MMBench TSV has no "${col}" column`, { file, field: col });
  const prefix = lang === 'cn' ? 'mmbench-cn' : 'mmbench';
  const imageOf = new Map(rows.map((r) => [r.index, r.image]));
  const out: LoadedSample<MmbenchDoc>[] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const index = Number(r.index);
    const id = `${prefix}-${r.index}`;
    const bad = (field: string, what: string) => failedSample(id, new DatasetError(`row ${line}: ${what}`, { file, line, field }));
    if (!Number.isInteger(index) || index < 0) { out.push(bad('index', `"index" must be a non-negative integer (got ${JSON.stringify(r.index)})`)); return; }
    if (rounds === 'all-rounds' && index >= 1_000_000) return;
    // Newer TSVs store a rotation's image as the index of the row holding it.
    let image = r.image ?? '';
    if (image.length <= 64 && imageOf.has(image)) image = imageOf.get(image)!;
    if (isNone(image) || Buffer.from(image, 'base64').length === 0) { out.push(bad('image', 'no base64 image in "image"')); return; }
    const options: string[] = [];
    for (const c of MMBENCH_OPTIONS) { if (isNone(r[c])) break; options.push(r[c]!); }
    if (options.length < 2) { out.push(bad('A', 'needs at least options A and B')); return; }
    const answer = isNone(r.answer) ? undefined : r.answer;
    if (answer !== undefined && !MMBENCH_OPTIONS.slice(0, options.length).includes(answer as never)) { out.push(bad('answer', `"answer" must be one of the option letters (got ${JSON.stringify(answer)})`)); return; }
    const base = { imageBase64: image, category: r.category, l2Category: r['l2-category'], split: r.split };
    const nRounds = rounds === 'all-rounds' ? options.length : 1;
    let opts = options;
    for (let k = 0; k < nRounds; k++) {
      const choices = Object.fromEntries(opts.map((o, j) => [MMBENCH_OPTIONS[j]!, o]));
      const rotatedAnswer = answer === undefined ? undefined : MMBENCH_OPTIONS[(MMBENCH_OPTIONS.indexOf(answer as never) - k + options.length) % options.length];
      const idx = index + k * 1_000_000;
      out.push({ id: k === 0 ? id : `${prefix}-${idx}`, tags: [prefix, ...(r.category ? [r.category] : []), ...regressionTag(String(mmbenchGroup(index)))], doc: { ...base, index: idx, prompt: mmbenchPrompt(r.question ?? '', r.hint, opts), choices, answer: rotatedAnswer } });
      opts = [...opts.slice(1), opts[0]!];
    }
  });
  // Keep each question's rotations together (the official files list main rows first), so a `limit`
  // takes whole CircularEval groups; the order does not change any score.
  const key = (s: LoadedSample<MmbenchDoc>) => ('doc' in s ? [mmbenchGroup(s.doc.index), s.doc.index] : [Infinity, 0]);
  return out.map((s, i) => ({ s, i })).sort((a, b) => key(a.s)[0]! - key(b.s)[0]! || key(a.s)[1]! - key(b.s)[1]! || a.i - b.i).map((x) => x.s);
}

export const groupOf = (d: MmbenchDoc) => mmbenchGroup(d.index);
