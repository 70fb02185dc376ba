import path from 'node:path';
import { z } from 'zod';
import { DatasetError, VlmbenchError } from '../../src/core/errors.ts';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type JudgeClient, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { isLlavaJudge } from '../../src/judge/types.ts';
import { MMVET_MAX_TOKENS, MMVET_MAX_TRIES, mmvetGraderPrompt, mmvetTemperature, mmvetTotals, parseMmvetScore } from '../../src/scoring/mmvet.ts';
import { checkSampleImages, failedSample, imageQuestion, meanMetric, metaOf, pathImage, plainMetric, regressionTag } from '../common/shared.ts';
import { isRecord, readJsonFile, resolveInside } from '../scienceqa/files.ts';

export interface MmvetDoc { questionId: string; question: string; answer: string; capabilities: string[]; image: string; imageName: string }

export const MmvetOptions = z.strictObject({
  /** Image folder (default images/). */
  imageFolder: z.string().optional(),
});
export type MmvetOptions = z.infer<typeof MmvetOptions>;

export const MMVET_CAPABILITIES = ['rec', 'ocr', 'know', 'gen', 'spat', 'math'] as const;
export const MMVET_METRICS: Record<string, MetricSpec> = {
  total: { better: 'higher', unit: 'score×100' },
  ...Object.fromEntries(MMVET_CAPABILITIES.map((c) => [c, { better: 'higher', unit: 'score×100' } satisfies MetricSpec])),
};

/** mm-vet.json (id → imagename, capability[], question, answer) with images/ beside it. */
export async function loadMmvet(dir: string, imageFolder?: string): Promise<LoadedSample<MmvetDoc>[]> {
  const file = path.join(dir, 'mm-vet.json');
  const root = await readJsonFile(file, 'mm-vet.json comes from mm-vet.zip (yuweihao/MM-Vet releases)');
  if (!isRecord(root)) throw new DatasetError('mm-vet.json must be an object keyed by question id', { file });
  const images = path.resolve(dir, imageFolder ?? 'images');
  const out: LoadedSample<MmvetDoc>[] = [];
  for (const [qid, v] of Object.entries(root)) {
    const id = `mmvet-${qid}`;
    const bad = (field: string, what: string) => failedSample(id, new DatasetError(`${qid}: ${what}`, { file, field: `${qid}.${field}` }));
    if (!isRecord(v)) { out.push(bad('', 'not an object')); continue; }
    if (typeof v.question !== 'string') { out.push(bad('question', '"question" must be a string')); continue; }
    if (typeof v.answer !== 'string') { out.push(bad('answer', '"answer" must be a string')); continue; }
    if (typeof v.imagename !== 'string') { out.push(bad('imagename', '"imagename" must be a string')); continue; }
    if (!Array.isArray(v.capability) || !v.capability.every((c) => typeof c === 'string')) { out.push(bad('capability', '"capability" must be a list of strings')); continue; }
    const img = resolveInside(images, v.imagename, file, `${qid}.imagename`);
    if (img instanceof DatasetError) { out.push(failedSample(id, img)); continue; }
    out.push({ id, tags: ['mm-vet', ...(v.capability as string[]), ...regressionTag(qid)], doc: { questionId: qid, question: v.question, answer: v.answer, capabilities: v.capability as string[], image: img, imageName: v.imagename } });
  }
  return checkSampleImages(out, (d) => d.image);
}

export function describeMmvet(doc: MmvetDoc) {
  return {
    // cap_<c> flags let compare pair each capability's mean (pairing `where` tests equality).
    meta: { questionId: doc.questionId, capabilities: doc.capabilities, image: doc.imageName, ...Object.fromEntries(doc.capabilities.map((c) => [`cap_${c}`, true])) },
    reference: { answer: doc.answer, question: doc.question },
    input: { text: doc.question, images: [doc.imageName] },
  };
}

export interface MmvetGrade { score: number | null; tries: number; replies: string[]; error?: string; judge?: string }

/**
 * mm-vet_evaluator.py `runs`: ask the grader (max 3 tokens, temperature 0); an unreadable reply is asked
 * again with "Predict the correctness of the answer (digit): " (temperature 0, then +0.5 per further
 * try); after the fifth unreadable reply the score is 0.0 (upstream makes a sixth call whose reply it
 * never reads; it is not made here). A "nan" reply passes upstream's range check and stays NaN; the
 * record stores it as null with the reply kept. A judge that fails outright is reported (score null).
 */
export async function gradeMmvet(judge: JudgeClient, doc: Pick<MmvetDoc, 'question' | 'answer'>, prediction: string, signal?: AbortSignal): Promise<MmvetGrade> {
  const replies: string[] = [];
  for (let t = 0; t < MMVET_MAX_TRIES; t++) {
    const user = mmvetGraderPrompt(doc.question, doc.answer, prediction, t > 0);
    let reply: string;
    try {
      reply = isLlavaJudge(judge)
        ? await judge.complete('', user, signal, { attempt: t, format: 'mmvet-score', maxTokens: MMVET_MAX_TOKENS, temperature: mmvetTemperature(t) })
        : await judge.complete('', user, signal);
    } catch (err) {
      if (err instanceof VlmbenchError && err.code === 'E_ABORTED') throw err;
      return { score: null, tries: t + 1, replies, error: (err as Error).message, judge: judge.id };
    }
    replies.push(reply);
    const score = parseMmvetScore(reply);
    if (score !== undefined) return { score, tries: t + 1, replies, judge: judge.id };
  }
  return { score: 0, tries: MMVET_MAX_TRIES, replies, judge: judge.id };
}

/** Totals as mm-vet_evaluator.py `export_result` (one run): per capability and total, ×100, one decimal. */
export function aggregateMmvet(records: SampleRecord[], seed: number): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  // In dataset order (the journal's order depends on concurrency): export_result lists capabilities as it meets them.
  const graded = records.filter((r) => !r.error && typeof r.scores.gpt_score === 'number')
    .sort((x, y) => x.sampleId.localeCompare(y.sampleId, 'en', { numeric: true }));
  const judgeFailed = records.filter((r) => !r.error && (metaOf<{ grade?: MmvetGrade }>(r).grade?.error !== undefined)).length;
  const ungraded = records.filter((r) => !r.error && metaOf<{ grade?: MmvetGrade | null }>(r).grade === null).length;
  const items = graded.map((r) => ({ capabilities: metaOf<{ capabilities: string[] }>(r).capabilities ?? [], score: r.scores.gpt_score as number }));
  const metrics: Record<string, MetricValue> = {};
  const notes: string[] = [];
  if (items.length) {
    const t = mmvetTotals(items);
    metrics.total = { ...meanMetric(items.map((i) => i.score), graded.map((r) => r.sampleId), seed, 'score×100'), value: t.total };
    for (const [c, v] of t.columns) metrics[c] = plainMetric(v, items.filter((i) => i.capabilities.includes(c)).length, 'higher', 'score×100');
    notes.push(`MM-Vet: total ${t.total} over ${items.length} graded item(s); ${t.columns.map(([c, v]) => `${c} ${v}`).join(', ')} (grader prompt and rules of mm-vet_evaluator.py, one run).`);
  }
  // The official grader is GPT-4 (mm-vet_evaluator.py `--gpt_model`, gpt-4-0613; the leaderboard was graded by gpt-4-0314).
  const judges = [...new Set(graded.map((r) => metaOf<{ grade?: MmvetGrade }>(r).grade?.judge).filter((j): j is string => j !== undefined))];
  const unofficial = judges.filter((j) => !/^openai:gpt-4(-0314|-0613)?$/.test(j));
  if (unofficial.length > 0) notes.push(`Graded by ${unofficial.join(', ')}, not the official GPT-4 grader (mm-vet_evaluator.py): totals do not compare with published MM-Vet numbers.`);
  if (ungraded) notes.push(`${ungraded} answer(s) not graded: no judge configured (set judge: in the config, or re-score later).`);
  if (judgeFailed) notes.push(`${judgeFailed} answer(s) not graded: the judge failed (see meta.grade.error); left out of the totals.`);
  if (errors) notes.push(`${errors} sample(s) have no answer (dataset or generation error): left out of the totals.`);
  return { n: records.length, errors, ...(items.length ? { headline: 'total' } : {}), metrics, notes };
}

export const mmvetSuite: QualitySuite<MmvetDoc, MmvetOptions> = defineSuite<MmvetDoc, MmvetOptions>({
  kind: 'quality',
  usesJudge: true,
  name: 'mm-vet',
  description: 'MM-Vet: natural answers (model_vqa.py), graded 0.0–1.0 by the LLM judge with the official few-shot prompt; totals per capability',
  optionsSchema: MmvetOptions as z.ZodType<MmvetOptions>,
  async load(ctx) {
    const all = await loadMmvet(ctx.datasetDir, ctx.options.imageFolder);
    return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
  },
  toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.question, 'open', model, ctx),
  async score(doc, result, ctx) {
    const { meta, reference } = describeMmvet(doc);
    const judge = ctx.services.judge;
    if (!judge) return { scores: { gpt_score: null }, meta: { ...meta, grade: null }, reference };
    const grade = await gradeMmvet(judge, doc, result.text);
    const score = grade.score === null || Number.isNaN(grade.score) ? null : grade.score;
    return { scores: { gpt_score: score }, meta: { ...meta, grade: { ...grade, score } }, reference };
  },
  describe: describeMmvet,
  aggregate: (records, ctx) => aggregateMmvet(records, ctx.seed),
  metrics: MMVET_METRICS,
  pairing: [
    { metric: 'total', test: 'bootstrap-mean', scores: ['gpt_score'] },
    ...MMVET_CAPABILITIES.map((c): HeadlinePairing => ({ metric: c, test: 'bootstrap-mean', scores: ['gpt_score'], where: { meta: `cap_${c}`, equals: true } })),
  ],
  builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, 'mm-vet'),
});
