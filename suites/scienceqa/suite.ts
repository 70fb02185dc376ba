import { z } from 'zod';
import { defineSuite, type QualitySuite } from '../../src/core/suite.ts';
import { getFamily } from '../../src/families/index.ts';
import { ensureScienceQASample } from '../../src/fixtures/datasets/scienceqa.ts';
import { extractLlava, sqaCategoriesOf, sqaPredIndex, SQA_OPTIONS } from '../../src/scoring/scienceqa.ts';
import { aggregateScienceQA, SQA_METRICS } from './aggregate.ts';
import { checkScienceQAFolder, detectFormat, loadLlava, loadOfficial, type SqaDoc } from './load.ts';

export const ScienceQAOptions = z.strictObject({
  /** Answer extraction: 'llava' = LLaVA's eval_science_qa.py (published numbers); 'lenient' = vlmbench's. */
  compat: z.enum(['llava', 'lenient']).default('llava'),
  /** Dataset layout; 'auto' prefers llava_test_CQM-A.json, then problems.json. */
  format: z.enum(['auto', 'official', 'llava']).default('auto'),
  /** Image folder for the LLaVA question file (default: images/test inside the dataset folder). */
  imageFolder: z.string().optional(),
  /** Ask only the image problems (the SQA-IMG subset). */
  imageOnly: z.boolean().default(false),
});
export type ScienceQAOptions = z.infer<typeof ScienceQAOptions>;

export function describeSqa(doc: SqaDoc) {
  return {
    meta: {
      pid: doc.pid, subject: doc.subject, grade: doc.grade, hint: doc.hint, hasImage: doc.image !== undefined,
      categories: sqaCategoriesOf({ subject: doc.subject, grade: doc.grade, hint: doc.hint, hasImage: doc.image !== undefined }),
    },
    reference: { answer: doc.answer, letter: SQA_OPTIONS[doc.answer], choices: doc.choices },
    input: { text: doc.prompt, images: doc.imageName ? [doc.imageName] : [] },
  };
}

export const scienceqaSuite: QualitySuite<SqaDoc, ScienceQAOptions> = defineSuite<SqaDoc, ScienceQAOptions>({
  kind: 'quality',
  name: 'scienceqa',
  description: 'ScienceQA test split with the LLaVA prompt (CQM, option letters); SQA-IMG headline and the official category table',
  optionsSchema: ScienceQAOptions as z.ZodType<ScienceQAOptions>,
  async load(ctx) {
    const format = detectFormat(ctx.datasetDir, ctx.options.format);
    let all = format === 'llava' ? await loadLlava(ctx.datasetDir, ctx.options.imageFolder) : await loadOfficial(ctx.datasetDir, ctx.split ?? 'test');
    if (ctx.options.imageOnly) all = all.filter((s) => !('doc' in s) || s.doc.image !== undefined);
    return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
  },
  checkDataset: (dir, options) => checkScienceQAFolder(dir, options.format),
  toRequest(doc, model, ctx) {
    // model_vqa_science.py --single-pred-prompt: question, then the family's multiple-choice suffix.
    const choice = getFamily(model.family).taskDefaults.choice;
    const text = { type: 'text' as const, text: doc.prompt + choice.suffix };
    return {
      messages: [{ role: 'user', content: doc.image ? [{ type: 'image', image: { kind: 'path', path: doc.image } }, text] : [text] }],
      params: { maxTokens: ctx.maxTokens ?? choice.maxTokens, temperature: choice.temperature },
    };
  },
  score(doc, result, ctx) {
    const llava = sqaPredIndex(result.text, doc.choices, 'llava');
    const lenient = sqaPredIndex(result.text, doc.choices, 'lenient');
    const pred = ctx.options.compat === 'llava' ? llava : lenient;
    const { meta, reference } = describeSqa(doc);
    return {
      scores: { correct: pred === doc.answer ? 1 : 0, correct_llava: llava === doc.answer ? 1 : 0, correct_lenient: lenient === doc.answer ? 1 : 0 },
      meta: { ...meta, compat: ctx.options.compat, predIndex: pred, extracted: extractLlava(result.text) },
      reference,
    };
  },
  describe: describeSqa,
  aggregate: (records) => aggregateScienceQA(records),
  metrics: SQA_METRICS,
  // img_accuracy is computed on the image questions only (LLaVA eval_science_qa.py, SQA-IMG), accuracy on all.
  pairing: [
    { metric: 'img_accuracy', test: 'mcnemar', scores: ['correct'], where: { meta: 'hasImage', equals: true } },
    { metric: 'accuracy', test: 'mcnemar', scores: ['correct'] },
  ],
  builtinDataset: (fixturesDir) => ensureScienceQASample(fixturesDir),
});
