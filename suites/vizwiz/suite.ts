import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../../src/core/errors.ts';
import type { LoadedSample, MetricSpec } from '../../src/core/suite.ts';
import { checkSampleImages, failedSample, regressionTag } from '../common/shared.ts';
import { isRecord, readJsonFile, resolveInside } from '../scienceqa/files.ts';
import { defineVqaSuite } from '../vqav2/suite.ts';
import type { VqaDoc } from '../vqav2/load.ts';

export const VizwizOptions = z.strictObject({
  /** Image folder (default: the split's folder, e.g. val/ or test/). */
  imageFolder: z.string().optional(),
});
export type VizwizOptions = z.infer<typeof VizwizOptions>;

export const VIZWIZ_METRICS: Record<string, MetricSpec> = {
  accuracy: { better: 'higher', unit: '%' },
  accuracy_unanswerable: { better: 'higher', unit: '%' },
  accuracy_other: { better: 'higher', unit: '%' },
  'accuracy_yes/no': { better: 'higher', unit: '%' },
  accuracy_number: { better: 'higher', unit: '%' },
};

/**
 * VizWiz VQA annotations of a split (`val.json`, `test.json`: a list of {image, question, answers[],
 * answer_type, answerable}); test has no answers (EvalAI server). Question ids are the image names, which
 * are unique per question in VizWiz.
 */
export async function loadVizwiz(dir: string, split: string, imageFolder?: string): Promise<LoadedSample<VqaDoc>[]> {
  const file = path.join(dir, `${split}.json`);
  if (!existsSync(file)) throw new DatasetError(`no ${split}.json in the VizWiz folder`, { file: dir, field: 'split', hint: 'use split val (answers, scored here) or test (submission only), from the VizWiz Annotations.zip' });
  const root = await readJsonFile(file, `${split}.json comes from the VizWiz VQA Annotations.zip`);
  if (!Array.isArray(root)) throw new DatasetError(`${split}.json must be a list of questions`, { file });
  const images = path.resolve(dir, imageFolder ?? split);
  const out: LoadedSample<VqaDoc>[] = [];
  root.forEach((q, i) => {
    const name = isRecord(q) && typeof q.image === 'string' ? q.image : `item${i}`;
    const id = `vizwiz-${name.replace(/\.[^.]+$/, '')}`;
    const bad = (field: string, what: string) => failedSample(id, new DatasetError(`[${i}]: ${what}`, { file, field: `[${i}].${field}` }));
    if (!isRecord(q) || typeof q.image !== 'string') { out.push(bad('image', '"image" must be a string')); return; }
    if (typeof q.question !== 'string') { out.push(bad('question', '"question" must be a string')); return; }
    let answers: string[] = [];
    if (q.answers !== undefined) {
      const list = Array.isArray(q.answers) ? q.answers.map((a) => (isRecord(a) && typeof a.answer === 'string' ? a.answer : undefined)) : [];
      if (list.length === 0 || list.some((a) => a === undefined)) { out.push(bad('answers', '"answers" must be a list of {answer, answer_confidence}')); return; }
      answers = list as string[];
    }
    const img = resolveInside(images, q.image, file, `[${i}].image`);
    if (img instanceof DatasetError) { out.push(failedSample(id, img)); return; }
    out.push({
      id, tags: ['vizwiz', ...regressionTag(q.image)],
      doc: { questionId: q.image, question: q.question, image: img, imageName: q.image, answers, answerType: typeof q.answer_type === 'string' ? q.answer_type : undefined, cluster: q.image, scored: answers.length > 0 },
    });
  });
  return checkSampleImages(out, (d) => d.image);
}

// LLaVA's VizWiz question file: "When the provided information is insufficient, respond with 'Unanswerable'." + short answer.
export const vizwizSuite = defineVqaSuite<VizwizOptions>({
  name: 'vizwiz',
  description: "VizWiz VQA (val: VQA soft accuracy; test: submission file for EvalAI), LLaVA prompt with the 'Unanswerable' instruction",
  optionsSchema: VizwizOptions as z.ZodType<VizwizOptions>,
  defaultSplit: 'val',
  load: loadVizwiz,
  task: 'shortUnanswerable',
  metrics: VIZWIZ_METRICS,
});
