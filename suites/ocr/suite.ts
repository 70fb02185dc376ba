import { z } from 'zod';
import { defineSuite, type QualitySuite } from '../../src/core/suite.ts';
import { getFamily } from '../../src/families/index.ts';
import { ensureOcrSample } from '../../src/fixtures/datasets/ocr.ts';
import { anlsScore } from '../../src/scoring/anls.ts';
import { ocrbenchScore } from '../../src/scoring/ocrbench.ts';
import { vqaSoftAccuracy } from '../../src/scoring/vqa.ts';
import { aggregateOcr, OCR_METRICS, OCR_PAIRING, SCORE_KEY } from './aggregate.ts';
import { detectFormats, type OcrDoc, type OcrFormat } from './doc.ts';
import { loadDocVqa } from './docvqa.ts';
import { loadOcrBench } from './ocrbench.ts';
import { loadTextVqa } from './textvqa.ts';

export const OcrOptions = z.strictObject({
  /** Suite `ocr` only: which benchmark to read; 'auto' reads every official layout in the folder. */
  format: z.enum(['auto', 'textvqa', 'docvqa', 'ocrbench']).default('auto'),
  /** TextVQA questions: LLaVA's OCR-token file (LLaVA-1.5 protocol), the plain annotations, or auto. */
  textvqaQuestions: z.enum(['auto', 'plain', 'llava-ocr']).default('auto'),
  /** TextVQA image folder (default train_images/ in the dataset folder). */
  textvqaImages: z.string().optional(),
  /** OCRBench image folder (default OCRBench_Images/). */
  ocrbenchImages: z.string().optional(),
  /** OCRBench rule (also `vlmbench score --variant`): the original script (default) or current lmms-eval (full-width folding). */
  ocrbenchVariant: z.enum(['ocrbench', 'lmms-eval']).default('ocrbench'),
  /** OCRBench asks the bare question upstream; true appends the family's short-answer suffix. */
  ocrbenchSuffix: z.boolean().default(false),
  /** DocVQA annotation file (default val_v1.0.json). */
  docvqaFile: z.string().optional(),
  anlsVariant: z.enum(['lmms-eval', 'm4c']).default('lmms-eval'),
  bootstrapIterations: z.int().min(100).default(2000),
});
export type OcrOptions = z.infer<typeof OcrOptions>;

export function describeOcr(doc: OcrDoc) {
  return {
    meta: {
      format: doc.format, questionId: doc.questionId, cluster: doc.cluster, image: doc.imageName,
      ...(doc.datasetName ? { datasetName: doc.datasetName } : {}), ...(doc.type ? { type: doc.type } : {}),
    },
    reference: { answers: doc.answers },
    input: { text: doc.question, images: [doc.imageName] },
  };
}

export function scoreOcr(doc: OcrDoc, prediction: string, opts: Pick<OcrOptions, 'ocrbenchVariant' | 'anlsVariant'>): number {
  if (doc.format === 'textvqa') return vqaSoftAccuracy(prediction, doc.answers);
  if (doc.format === 'docvqa') return anlsScore(prediction, doc.answers, { variant: opts.anlsVariant });
  return ocrbenchScore(prediction, doc.answers, doc.datasetName ?? '', { version: opts.ocrbenchVariant });
}

/** One OCR suite; `fixed` pins the benchmark (suites textvqa, docvqa, ocrbench), otherwise options.format decides. */
export function ocrSuite(name: string, description: string, fixed?: OcrFormat): QualitySuite<OcrDoc, OcrOptions> {
  return defineSuite<OcrDoc, OcrOptions>({
    kind: 'quality',
    name,
    description,
    optionsSchema: OcrOptions as z.ZodType<OcrOptions>,
    async load(ctx) {
      const o = ctx.options;
      const all = [];
      for (const format of detectFormats(ctx.datasetDir, fixed ?? o.format)) {
        if (format === 'textvqa') all.push(...(await loadTextVqa(ctx.datasetDir, { questions: o.textvqaQuestions, imageFolder: o.textvqaImages })));
        if (format === 'docvqa') all.push(...(await loadDocVqa(ctx.datasetDir, { file: o.docvqaFile })));
        if (format === 'ocrbench') all.push(...(await loadOcrBench(ctx.datasetDir, { imageFolder: o.ocrbenchImages })));
      }
      return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
    },
    toRequest(doc, model, ctx) {
      const short = getFamily(model.family).taskDefaults.short;
      const suffix = doc.format === 'ocrbench' && !ctx.options.ocrbenchSuffix ? '' : short.suffix;
      return {
        messages: [{ role: 'user', content: [{ type: 'image', image: { kind: 'path', path: doc.image } }, { type: 'text', text: doc.question + suffix }] }],
        params: { maxTokens: ctx.maxTokens ?? short.maxTokens, temperature: short.temperature },
      };
    },
    score(doc, result, ctx) {
      const { meta, reference } = describeOcr(doc);
      return { scores: { [SCORE_KEY[doc.format]]: scoreOcr(doc, result.text, ctx.options) }, meta, reference };
    },
    describe: describeOcr,
    aggregate: (records, ctx) => aggregateOcr(records, { seed: ctx.seed, iterations: ctx.options.bootstrapIterations }),
    metrics: OCR_METRICS,
    pairing: OCR_PAIRING,
    builtinDataset: (fixturesDir) => ensureOcrSample(fixturesDir),
    checkDataset: (dir, options) => { detectFormats(dir, fixed ?? options.format); },
  });
}
