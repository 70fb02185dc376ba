import { z } from 'zod';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { vqaSoftAccuracy } from '../../src/scoring/vqa.ts';
import { answered, errorNote, imageQuestion, meanMetric, metaOf, pathImage } from '../common/shared.ts';
import { loadVqav2, type VqaDoc } from './load.ts';

export const Vqav2Options = z.strictObject({
  /** Image folder (default: the split's folder, e.g. val2014/, or test2015/ for test splits). */
  imageFolder: z.string().optional(),
});
export type Vqav2Options = z.infer<typeof Vqav2Options>;

export const VQAV2_METRICS: Record<string, MetricSpec> = {
  accuracy: { better: 'higher', unit: '%' },
  'accuracy_yes/no': { better: 'higher', unit: '%' },
  accuracy_number: { better: 'higher', unit: '%' },
  accuracy_other: { better: 'higher', unit: '%' },
};

/**
 * Paired statistic: the mean of per-question soft accuracy, resampling images (questions on one image
 * are related); per answer type the same over that type's questions.
 */
export function vqaPairing(metrics: Record<string, MetricSpec>): HeadlinePairing[] {
  return Object.keys(metrics).map((m) => ({
    metric: m, test: 'bootstrap-mean' as const, scores: ['vqa_accuracy'], clusterBy: 'cluster',
    ...(m === 'accuracy' ? {} : { where: { meta: 'answerType', equals: m.slice('accuracy_'.length) } }),
  }));
}

interface VqaMeta { questionId: string; answerType?: string; cluster: string; scored: boolean }

export function describeVqa(doc: VqaDoc) {
  return {
    meta: { questionId: doc.questionId, answerType: doc.answerType, cluster: doc.cluster, image: doc.imageName, scored: doc.scored },
    reference: doc.scored ? { answers: doc.answers } : undefined,
    input: { text: doc.question, images: [doc.imageName] },
  };
}

/**
 * Mean VQA soft accuracy ×100 (LLaVA m4c_evaluator.py EvalAI normaliser + leave-one-out; GT-Vision-Lab
 * vqaEval.py differs in normaliser corner cases) over answered questions with answers, with a bootstrap interval over
 * images, and per answer type; questions of a test split (no answers) are only counted.
 */
export function aggregateVqa(records: SampleRecord[], seed: number, bench: string): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const scored = answered(records).filter((r) => typeof r.scores.vqa_accuracy === 'number');
  const metric = (rs: SampleRecord[]): MetricValue => meanMetric(rs.map((r) => r.scores.vqa_accuracy as number), rs.map((r) => metaOf<VqaMeta>(r).cluster ?? r.sampleId), seed);
  const metrics: Record<string, MetricValue> = { accuracy: metric(scored) };
  const types = [...new Set(scored.map((r) => metaOf<VqaMeta>(r).answerType).filter((t): t is string => !!t))];
  for (const t of types) metrics[`accuracy_${t}`] = metric(scored.filter((r) => metaOf<VqaMeta>(r).answerType === t));
  const unscored = records.filter((r) => metaOf<VqaMeta>(r).scored === false).length;
  const notes = [
    `${bench}: ${scored.length} question(s) scored with VQA soft accuracy (EvalAI normaliser, leave-one-out over the ten answers).`,
    ...(unscored ? [`${unscored} test question(s) have no answers here: export the submission file with \`vlmbench score --submission ${bench}\` and upload it to the EvalAI server.`] : []),
    ...errorNote(errors, 'left out of the mean (a missing answer scores 0 on the server)'),
  ];
  return { n: records.length, errors, ...(scored.length ? { headline: 'accuracy' } : {}), metrics, notes };
}

/** What differs between the VQA-soft-accuracy suites (VQAv2, VizWiz); everything else is shared. */
export interface VqaSuiteSpec<Opts extends { imageFolder?: string }> {
  name: 'vqav2' | 'vizwiz';
  description: string;
  optionsSchema: z.ZodType<Opts>;
  defaultSplit: string;
  load(dir: string, split: string, imageFolder?: string): Promise<LoadedSample<VqaDoc>[]>;
  /** The family's task suffix the official question file appends. */
  task: 'short' | 'shortUnanswerable';
  metrics: Record<string, MetricSpec>;
}

/** A VQA soft-accuracy suite: the LLaVA prompt, per-question scoring, aggregation and pairing shared above. */
export function defineVqaSuite<Opts extends { imageFolder?: string }>(spec: VqaSuiteSpec<Opts>): QualitySuite<VqaDoc, Opts> {
  return defineSuite<VqaDoc, Opts>({
    kind: 'quality',
    name: spec.name,
    description: spec.description,
    optionsSchema: spec.optionsSchema,
    async load(ctx) {
      const all = await spec.load(ctx.datasetDir, ctx.split ?? spec.defaultSplit, ctx.options.imageFolder);
      return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
    },
    toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.question, spec.task, model, ctx),
    score(doc, result) {
      const { meta, reference } = describeVqa(doc);
      const scores: Record<string, number> = doc.scored ? { vqa_accuracy: vqaSoftAccuracy(result.text, doc.answers) } : {};
      return { scores, meta, reference };
    },
    describe: describeVqa,
    aggregate: (records, ctx) => aggregateVqa(records, ctx.seed, spec.name),
    metrics: spec.metrics,
    pairing: vqaPairing(spec.metrics),
    builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, spec.name),
  });
}

// LLaVA model_vqa_loader.py with the short-answer suffix (scripts/v1_5/eval/vqav2.sh).
export const vqav2Suite = defineVqaSuite<Vqav2Options>({
  name: 'vqav2',
  description: 'VQAv2 (val2014 with answers: VQA soft accuracy; test-dev2015: submission file for EvalAI), LLaVA short-answer prompt',
  optionsSchema: Vqav2Options as z.ZodType<Vqav2Options>,
  defaultSplit: 'val2014',
  load: loadVqav2,
  task: 'short',
  metrics: VQAV2_METRICS,
});
