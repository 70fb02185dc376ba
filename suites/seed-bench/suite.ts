import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../../src/core/errors.ts';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { seedCorrect, seedTotals } from '../../src/scoring/seed.ts';
import { checkSampleImages, errorNote, failedSample, imageQuestion, metaOf, pathImage, pctMetric, regressionTag } from '../common/shared.ts';
import { idOf } from '../ocr/doc.ts';
import { isRecord, readJsonFile, resolveInside } from '../scienceqa/files.ts';

export interface SeedDoc { questionId: string; typeId: number; prompt: string; answer: string; image: string; imageName: string }

export const SeedOptions = z.strictObject({
  /** Image folder (default SEED-Bench-image/). */
  imageFolder: z.string().optional(),
});
export type SeedOptions = z.infer<typeof SeedOptions>;

export const SEED_METRICS: Record<string, MetricSpec> = {
  accuracy: { better: 'higher', unit: '%' },
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`type_${i + 1}`, { better: 'higher', unit: '%' } satisfies MetricSpec])),
};

/**
 * SEED-Bench.json image questions (data_type "image", question types 1–9) with images in
 * SEED-Bench-image/<data_id>; the prompt is LLaVA's llava-seed-bench.jsonl form: question, "A. …" to
 * "D. …", then the family's option-letter suffix. Video questions (types 10–12) are not asked: LLaVA
 * answers them on a middle frame it extracts itself, which is not part of the official download.
 */
export async function loadSeed(dir: string, imageFolder?: string): Promise<{ samples: LoadedSample<SeedDoc>[]; video: number }> {
  const file = path.join(dir, 'SEED-Bench.json');
  const root = await readJsonFile(file, 'SEED-Bench.json comes from the SEED-Bench release (AILab-CVC/SEED-Bench DATASET.md)');
  if (!isRecord(root) || !Array.isArray(root.questions)) throw new DatasetError('SEED-Bench.json needs a "questions" list', { file, field: 'questions' });
  const images = path.resolve(dir, imageFolder ?? 'SEED-Bench-image');
  const out: LoadedSample<SeedDoc>[] = [];
  let video = 0;
  root.questions.forEach((q, i) => {
    const qid = isRecord(q) ? idOf(q.question_id) : undefined;
    const id = `seed-${qid ?? `q${i}`}`;
    const bad = (field: string, what: string) => failedSample(id, new DatasetError(`questions[${i}]: ${what}`, { file, field: `questions[${i}].${field}` }));
    if (!isRecord(q) || qid === undefined) { out.push(bad('question_id', 'missing "question_id"')); return; }
    if (q.data_type !== 'image') { video++; return; }
    if (typeof q.question !== 'string') { out.push(bad('question', '"question" must be a string')); return; }
    const choices = ['choice_a', 'choice_b', 'choice_c', 'choice_d'].map((k) => q[k]);
    if (!choices.every((c) => typeof c === 'string')) { out.push(bad('choice_a', 'choice_a … choice_d must be strings')); return; }
    if (typeof q.answer !== 'string' || !'ABCD'.includes(q.answer) || q.answer.length !== 1) { out.push(bad('answer', '"answer" must be A, B, C or D')); return; }
    if (typeof q.question_type_id !== 'number') { out.push(bad('question_type_id', '"question_type_id" must be a number')); return; }
    if (typeof q.data_id !== 'string') { out.push(bad('data_id', '"data_id" must be a string')); return; }
    const img = resolveInside(images, q.data_id, file, `questions[${i}].data_id`);
    if (img instanceof DatasetError) { out.push(failedSample(id, img)); return; }
    const prompt = `${q.question}\n${(choices as string[]).map((c, j) => `${'ABCD'[j]}. ${c}`).join('\n')}`;
    out.push({ id, tags: ['seed', `type${q.question_type_id}`, ...regressionTag(qid)], doc: { questionId: qid, typeId: q.question_type_id, prompt, answer: q.answer, image: img, imageName: q.data_id } });
  });
  return { samples: await checkSampleImages(out, (d) => d.image), video };
}

export function describeSeed(doc: SeedDoc) {
  return { meta: { questionId: doc.questionId, typeId: doc.typeId, image: doc.imageName }, reference: { answer: doc.answer }, input: { text: doc.prompt, images: [doc.imageName] } };
}

/** convert_seed_for_submission.py: exact "A"…"D" per question type and the image total; a failed answer counts wrong. */
export function aggregateSeed(records: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const items = records.flatMap((r) => {
    const t = metaOf<{ typeId: number }>(r).typeId;
    return typeof t === 'number' ? [{ typeId: t, correct: !r.error && r.scores.correct === 1 }] : [];
  });
  const totals = seedTotals(items);
  const metrics: Record<string, MetricValue> = { accuracy: pctMetric(items.filter((i) => i.correct).length, items.length) };
  for (const [t, [acc, n]] of Object.entries(totals.perType)) metrics[`type_${t}`] = pctMetric(Math.round((acc * n) / 100), n);
  return {
    n: records.length, errors, headline: 'accuracy', metrics, tables: { seed: totals.perType },
    notes: [
      `SEED-Bench image accuracy ${Number.isNaN(totals.total) ? 'n/a' : totals.total.toFixed(2)}% over ${totals.n} question(s) (exact option letter, as convert_seed_for_submission.py: "A." or "a" is wrong).`,
      ...errorNote(errors, 'counted wrong, as a missing answer upstream'),
    ],
  };
}

export const seedSuite: QualitySuite<SeedDoc, SeedOptions> = defineSuite<SeedDoc, SeedOptions>({
  kind: 'quality',
  name: 'seed-bench',
  description: 'SEED-Bench image questions (types 1–9), LLaVA option-letter prompt, exact-letter accuracy per type (SEED-IMG)',
  optionsSchema: SeedOptions as z.ZodType<SeedOptions>,
  async load(ctx) {
    const { samples, video } = await loadSeed(ctx.datasetDir, ctx.options.imageFolder);
    if (video) ctx.log(`seed-bench: ${video} video question(s) skipped (image questions only)`);
    return ctx.limit === undefined ? samples : samples.slice(0, ctx.limit);
  },
  toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.prompt, 'choice', model, ctx),
  score(doc, result) {
    const { meta, reference } = describeSeed(doc);
    return { scores: { correct: seedCorrect(result.text, doc.answer) }, meta, reference };
  },
  describe: describeSeed,
  aggregate: (records) => aggregateSeed(records),
  metrics: SEED_METRICS,
  pairing: [
    { metric: 'accuracy', test: 'mcnemar', scores: ['correct'] },
    ...Array.from({ length: 9 }, (_, i): HeadlinePairing => ({ metric: `type_${i + 1}`, test: 'mcnemar', scores: ['correct'], where: { meta: 'typeId', equals: i + 1 } })),
  ],
  builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, 'seed-bench'),
});
