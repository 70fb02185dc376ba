import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../../src/core/errors.ts';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { gqaCorrect, gqaPrediction, gqaTotals, type GqaItem } from '../../src/scoring/gqa.ts';
import { checkSampleImages, errorNote, failedSample, imageQuestion, metaOf, pathImage, pctMetric, plainMetric, regressionTag } from '../common/shared.ts';
import { isRecord, readJsonFile, resolveInside } from '../scienceqa/files.ts';

export interface GqaDoc {
  questionId: string; question: string; image: string; imageName: string; answer: string;
  isBalanced: boolean; structural: string; semantic: string; globalGroup: string | null;
}

export const GqaOptions = z.strictObject({
  /** Image folder (default images/ in the dataset folder). */
  imageFolder: z.string().optional(),
});
export type GqaOptions = z.infer<typeof GqaOptions>;

export const GQA_METRICS: Record<string, MetricSpec> = {
  accuracy: { better: 'higher', unit: '%' }, binary: { better: 'higher', unit: '%' }, open: { better: 'higher', unit: '%' },
  distribution: { better: 'lower' },
};

/** GQA questions file of a tier (`testdev_balanced_questions.json`: question id → question object). */
export async function loadGqa(dir: string, tier: string, imageFolder?: string): Promise<LoadedSample<GqaDoc>[]> {
  const file = path.join(dir, `${tier}_questions.json`);
  const root = await readJsonFile(file, `${tier}_questions.json comes from the GQA download (questions1.2.zip)`);
  if (!isRecord(root)) throw new DatasetError('GQA questions must be an object keyed by question id', { file });
  const images = path.resolve(dir, imageFolder ?? 'images');
  const out: LoadedSample<GqaDoc>[] = [];
  for (const [qid, q] of Object.entries(root)) {
    const id = `gqa-${qid}`;
    const bad = (field: string, what: string) => failedSample(id, new DatasetError(`question ${qid}: ${what}`, { file, field: `${qid}.${field}` }));
    if (!isRecord(q)) { out.push(bad('', 'not an object')); continue; }
    if (typeof q.question !== 'string') { out.push(bad('question', '"question" must be a string')); continue; }
    if (typeof q.answer !== 'string') { out.push(bad('answer', '"answer" must be a string')); continue; }
    if (typeof q.imageId !== 'string') { out.push(bad('imageId', '"imageId" must be a string')); continue; }
    const types = isRecord(q.types) ? q.types : {};
    if (typeof types.structural !== 'string' || typeof types.semantic !== 'string') { out.push(bad('types', '"types" needs "structural" and "semantic"')); continue; }
    const groups = isRecord(q.groups) ? q.groups : {};
    const imageName = `${q.imageId}.jpg`;
    const img = resolveInside(images, imageName, file, `${qid}.imageId`);
    if (img instanceof DatasetError) { out.push(failedSample(id, img)); continue; }
    out.push({
      id, tags: ['gqa', types.structural, ...regressionTag(q.imageId)],
      doc: {
        questionId: qid, question: q.question, image: img, imageName, answer: q.answer, isBalanced: q.isBalanced !== false,
        structural: types.structural, semantic: types.semantic, globalGroup: typeof groups.global === 'string' ? groups.global : null,
      },
    });
  }
  return checkSampleImages(out, (d) => d.image);
}

type GqaMeta = Omit<GqaDoc, 'image' | 'question' | 'answer'> & { prediction: string };

export function describeGqa(doc: GqaDoc) {
  return {
    meta: { questionId: doc.questionId, imageName: doc.imageName, isBalanced: doc.isBalanced, structural: doc.structural, semantic: doc.semantic, globalGroup: doc.globalGroup },
    reference: { answer: doc.answer },
    input: { text: doc.question, images: [doc.imageName] },
  };
}

/**
 * GQA eval.py on the balanced questions: accuracy, binary, open, per structural/semantic type and the
 * distribution score. A failed generation counts wrong (upstream refuses to run with a missing prediction).
 */
export function aggregateGqa(records: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const items: GqaItem[] = records.flatMap((r) => {
    const m = metaOf<GqaMeta>(r);
    const ref = (r.reference ?? {}) as { answer?: string };
    if (m.structural === undefined || ref.answer === undefined) return [];
    return [{ prediction: r.error ? '\u0000failed' : m.prediction ?? '', answer: ref.answer, isBalanced: m.isBalanced !== false, structural: m.structural, semantic: m.semantic ?? '', globalGroup: m.globalGroup ?? null }];
  });
  const t = gqaTotals(items);
  const right = (pred: (i: GqaItem) => boolean) => {
    const sel = items.filter((i) => i.isBalanced && pred(i));
    return pctMetric(sel.filter((i) => gqaPrediction(i.prediction) === i.answer).length, sel.length);
  };
  const metrics: Record<string, MetricValue> = {
    accuracy: right(() => true), binary: right((i) => i.structural !== 'query'), open: right((i) => i.structural === 'query'),
    distribution: plainMetric(t.distribution, t.n, 'lower'),
  };
  const fmt = (x: number) => x.toFixed(2);
  return {
    n: records.length, errors, headline: 'accuracy', metrics,
    tables: { gqa: { perStructural: t.perStructural, perSemantic: t.perSemantic } },
    notes: [
      `GQA eval.py: Accuracy: ${fmt(t.accuracy)}%, Binary: ${fmt(t.binary)}%, Open: ${fmt(t.open)}% over ${t.n} balanced question(s) (prediction = answer.rstrip('.').lower(), exact match).`,
      ...errorNote(errors, 'counted wrong'),
    ],
  };
}

export const gqaSuite: QualitySuite<GqaDoc, GqaOptions> = defineSuite<GqaDoc, GqaOptions>({
  kind: 'quality',
  name: 'gqa',
  description: 'GQA testdev-balanced, LLaVA short-answer prompt, exact match after convert_gqa_for_eval.py (GQA eval.py accuracy)',
  optionsSchema: GqaOptions as z.ZodType<GqaOptions>,
  async load(ctx) {
    const all = await loadGqa(ctx.datasetDir, ctx.split ?? 'testdev_balanced', ctx.options.imageFolder);
    return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
  },
  toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.question, 'short', model, ctx),
  score(doc, result) {
    const { meta, reference } = describeGqa(doc);
    return { scores: { correct: gqaCorrect(result.text, doc.answer) }, meta: { ...meta, prediction: gqaPrediction(result.text) }, reference };
  },
  describe: describeGqa,
  aggregate: (records) => aggregateGqa(records),
  metrics: GQA_METRICS,
  // eval.py counts balanced questions only; open = structural type "query" (binary, its complement, has no equality filter).
  pairing: [
    { metric: 'accuracy', test: 'mcnemar', scores: ['correct'], where: { meta: 'isBalanced', equals: true } },
    { metric: 'open', test: 'mcnemar', scores: ['correct'], where: { meta: 'structural', equals: 'query' } },
  ],
  builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, 'gqa'),
});

