import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../../src/core/errors.ts';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { parsePope, popeMetrics, type PopeMetrics } from '../../src/scoring/pope.ts';
import { checkSampleImages, errorNote, failedSample, imageQuestion, metaOf, pathImage, pctMetric, plainMetric, regressionTag } from '../common/shared.ts';
import { idOf } from '../ocr/doc.ts';
import { readJsonlFile, resolveInside } from '../scienceqa/files.ts';

export const POPE_CATEGORIES = ['adversarial', 'popular', 'random'] as const;
export type PopeCategory = (typeof POPE_CATEGORIES)[number];

export interface PopeDoc { category: PopeCategory; questionId: string; question: string; image: string; imageName: string; label: 'yes' | 'no' }

export const PopeOptions = z.strictObject({
  /** Which of the three COCO splits to ask (all three by default, as LLaVA-1.5). */
  categories: z.array(z.enum(POPE_CATEGORIES)).min(1).default([...POPE_CATEGORIES]),
  /** Image folder (default val2014/ in the dataset folder). */
  imageFolder: z.string().optional(),
});
export type PopeOptions = z.infer<typeof PopeOptions>;

export const POPE_METRICS: Record<string, MetricSpec> = {
  f1: { better: 'higher', unit: 'F1×100' },
  f1_pooled: { better: 'higher', unit: 'F1×100' },
  accuracy: { better: 'higher', unit: '%' },
  yes_ratio: { better: 'higher', unit: '%' },
  ...Object.fromEntries(POPE_CATEGORIES.flatMap((c) => [[`f1_${c}`, { better: 'higher', unit: 'F1×100' }], [`accuracy_${c}`, { better: 'higher', unit: '%' }]])),
};

/**
 * Paired statistics: accuracy (McNemar on right/wrong) and F1 as a ratio of per-sample sums
 * (2TP over 2TP+FP+FN), pooled and per category. The headline (mean of the three categories' F1) is
 * not a statistic of per-sample values; compare and gate test it through the pooled F1 ratio, which
 * moves with it (the drop itself is read from the headline).
 */
export const POPE_PAIRING: HeadlinePairing[] = [
  { metric: 'f1', test: 'bootstrap-ratio', scores: ['f1_num', 'f1_den'] },
  { metric: 'accuracy', test: 'mcnemar', scores: ['correct'] },
  { metric: 'f1_pooled', test: 'bootstrap-ratio', scores: ['f1_num', 'f1_den'] },
  ...POPE_CATEGORIES.flatMap((c): HeadlinePairing[] => [
    { metric: `accuracy_${c}`, test: 'mcnemar', scores: ['correct'], where: { meta: 'category', equals: c } },
    { metric: `f1_${c}`, test: 'bootstrap-ratio', scores: ['f1_num', 'f1_den'], where: { meta: 'category', equals: c } },
  ]),
];

/** The POPE label file of a category: `coco/coco_pope_<c>.json` (LLaVA's layout) or `coco_pope_<c>.json`. */
export const popeFile = (dir: string, c: PopeCategory) =>
  [path.join(dir, 'coco', `coco_pope_${c}.json`), path.join(dir, `coco_pope_${c}.json`)].find((f) => existsSync(f));

/**
 * The three POPE COCO files (one JSON object per line: question_id, image, text, label). Samples are
 * interleaved across categories so a `limit` samples every split. Labels are matched to answers by
 * question, not by line position (eval_pope.py zips by position, which misaligns when files differ).
 */
export async function loadPope(dir: string, opts: PopeOptions): Promise<LoadedSample<PopeDoc>[]> {
  const images = path.resolve(dir, opts.imageFolder ?? 'val2014');
  const perCategory: LoadedSample<PopeDoc>[][] = [];
  for (const category of opts.categories) {
    const file = popeFile(dir, category);
    if (!file) throw new DatasetError(`no coco_pope_${category}.json in the POPE folder`, { file: dir, field: 'options.categories', hint: 'put POPE output/coco/*.json under coco/ (LLaVA-1.5 used POPE commit e3e39262)' });
    const list: LoadedSample<PopeDoc>[] = [];
    for (const entry of await readJsonlFile(file, 'POPE label files come from AoiDragon/POPE output/coco')) {
      if ('error' in entry) { list.push(failedSample(`pope-${category}-line${entry.line}`, entry.error)); continue; }
      const v = entry.value;
      const qid = idOf(v.question_id) ?? `line${entry.line}`;
      const id = `pope-${category}-${qid}`;
      const bad = (field: string, what: string) => failedSample(id, new DatasetError(`line ${entry.line}: ${what}`, { file, line: entry.line, field }));
      if (typeof v.text !== 'string') { list.push(bad('text', '"text" must be a string')); continue; }
      if (typeof v.image !== 'string') { list.push(bad('image', '"image" must be a string')); continue; }
      if (v.label !== 'yes' && v.label !== 'no') { list.push(bad('label', `"label" must be "yes" or "no" (got ${JSON.stringify(v.label)})`)); continue; }
      const img = resolveInside(images, v.image, file, 'image');
      if (img instanceof DatasetError) { list.push(failedSample(id, img)); continue; }
      list.push({ id, tags: ['pope', category, ...regressionTag(id)], doc: { category, questionId: qid, question: v.text, image: img, imageName: v.image, label: v.label } });
    }
    perCategory.push(list);
  }
  const out: LoadedSample<PopeDoc>[] = [];
  for (let i = 0; perCategory.some((l) => i < l.length); i++) for (const l of perCategory) if (i < l.length) out.push(l[i]!);
  return checkSampleImages(out, (d) => d.image);
}

export function describePope(doc: PopeDoc) {
  return {
    meta: { category: doc.category, questionId: doc.questionId, image: doc.imageName },
    reference: { label: doc.label },
    input: { text: doc.question, images: [doc.imageName] },
  };
}

/** Per-sample POPE scores: right or wrong, and the pieces of F1 (2TP over 2TP+FP+FN) for paired tests. */
export function scorePope(text: string, label: 'yes' | 'no') {
  const pred = parsePope(text);
  const tp = pred === 'yes' && label === 'yes' ? 1 : 0;
  const fp = pred === 'yes' && label === 'no' ? 1 : 0;
  const fn = pred === 'no' && label === 'yes' ? 1 : 0;
  return { correct: pred === label ? 1 : 0, pred_yes: pred === 'yes' ? 1 : 0, f1_num: 2 * tp, f1_den: 2 * tp + fp + fn };
}

const f4 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

/**
 * eval_pope.py per category (Accuracy, Precision, Recall, F1, Yes ratio) and the LLaVA-1.5 POPE number:
 * the mean of the three categories' F1 ×100 (haotian-liu/LLaVA issue #626). A failed generation is
 * left out (upstream has no answer line for it).
 */
export function aggregatePope(records: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const ok = records.filter((r) => !r.error && typeof r.scores.pred_yes === 'number');
  const item = (r: SampleRecord) => ({ pred: r.scores.pred_yes === 1 ? 'yes' as const : 'no' as const, label: ((r.reference ?? {}) as { label?: string }).label ?? 'yes' });
  const metrics: Record<string, MetricValue> = {};
  const per: Partial<Record<PopeCategory, PopeMetrics>> = {};
  const notes: string[] = [];
  for (const c of POPE_CATEGORIES) {
    const rs = ok.filter((r) => metaOf<{ category: PopeCategory }>(r).category === c);
    if (rs.length === 0) continue;
    const m = popeMetrics(rs.map(item));
    per[c] = m;
    metrics[`f1_${c}`] = plainMetric(m.f1 * 100, rs.length, 'higher', 'F1×100');
    metrics[`accuracy_${c}`] = pctMetric(m.tp + m.tn, rs.length);
    notes.push(`Category: ${c}, # samples: ${rs.length}: TP ${m.tp} FP ${m.fp} TN ${m.tn} FN ${m.fn}; F1, Acc, Precision, Recall, Yes ratio = ${[m.f1, m.accuracy, m.precision, m.recall, m.yesRatio].map(f4).join(', ')}`);
  }
  const f1s = Object.values(per).map((m) => m.f1);
  const pooled = popeMetrics(ok.map(item));
  metrics.f1 = plainMetric(f1s.length ? (f1s.reduce((a, b) => a + b, 0) / f1s.length) * 100 : null, ok.length, 'higher', 'F1×100');
  metrics.f1_pooled = plainMetric(ok.length ? pooled.f1 * 100 : null, ok.length, 'higher', 'F1×100');
  metrics.accuracy = pctMetric(pooled.tp + pooled.tn, ok.length);
  metrics.yes_ratio = plainMetric(ok.length ? pooled.yesRatio * 100 : null, ok.length, 'higher', '%');
  notes.unshift(`POPE = mean F1 over ${f1s.length} categor${f1s.length === 1 ? 'y' : 'ies'} ×100 (as LLaVA-1.5 reports it); F1 is NaN (n/a) where a category has no "yes" prediction and no "yes" label, where eval_pope.py divides by zero.`);
  notes.push(...errorNote(errors, 'left out, as eval_pope.py has no answer for them'));
  return { n: records.length, errors, headline: 'f1', metrics, notes, tables: { pope: per } };
}

export const popeSuite: QualitySuite<PopeDoc, PopeOptions> = defineSuite<PopeDoc, PopeOptions>({
  kind: 'quality',
  name: 'pope',
  description: 'POPE (COCO adversarial / popular / random), LLaVA short-answer prompt, eval_pope.py yes/no parsing; headline mean F1',
  optionsSchema: PopeOptions as z.ZodType<PopeOptions>,
  async load(ctx) {
    const all = await loadPope(ctx.datasetDir, ctx.options);
    return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
  },
  toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.question, 'short', model, ctx),
  score(doc, result) {
    const { meta, reference } = describePope(doc);
    return { scores: scorePope(result.text, doc.label), meta: { ...meta, parsed: parsePope(result.text) }, reference };
  },
  describe: describePope,
  aggregate: (records) => aggregatePope(records),
  metrics: POPE_METRICS,
  pairing: POPE_PAIRING,
  builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, 'pope'),
});
