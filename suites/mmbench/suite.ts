import { z } from 'zod';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { mmbenchCircular, mmbenchExtract, mmbenchGroup } from '../../src/scoring/mmbench.ts';
import { errorNote, imageQuestion, metaOf, pctMetric } from '../common/shared.ts';
import { loadMmbench, mmbenchFile, type MmbenchDoc } from './load.ts';

export const MmbenchOptions = z.strictObject({
  /** TSV file in the dataset folder (default: the official dev file of the suite's language). */
  file: z.string().optional(),
  /** 'file': rows as in the TSV (official files carry every rotation); 'all-rounds': rotate each main row's options here. */
  rounds: z.enum(['file', 'all-rounds']).default('file'),
});
export type MmbenchOptions = z.infer<typeof MmbenchOptions>;

export const MMBENCH_METRICS: Record<string, MetricSpec> = {
  circular_accuracy: { better: 'higher', unit: '%' },
  vanilla_accuracy: { better: 'higher', unit: '%' },
};

interface MmbMeta { index: number; group: number; category?: string; l2Category?: string; extracted?: string | false }

export function describeMmbench(doc: MmbenchDoc) {
  return {
    meta: { index: doc.index, group: mmbenchGroup(doc.index), main: doc.index < 1_000_000, category: doc.category, l2Category: doc.l2Category, split: doc.split },
    reference: doc.answer === undefined ? undefined : { answer: doc.answer, choices: doc.choices },
    input: { text: doc.prompt, images: [`tsv:${doc.index}`] },
  };
}

/**
 * CircularEval: a question (all rows sharing index % 1e6) is right only when every rotation's extracted
 * letter is the answer; a failed generation makes its question wrong. "vanilla" is the main rows alone.
 */
export function aggregateMmbench(records: SampleRecord[], name: string): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const scored = records.filter((r) => r.error || typeof r.scores.correct === 'number');
  const items = scored.flatMap((r) => {
    const m = metaOf<MmbMeta>(r);
    if (typeof m.index !== 'number') return [];
    return [{ index: m.index, correct: !r.error && r.scores.correct === 1, category: m.category, l2Category: m.l2Category }];
  });
  const c = mmbenchCircular(items);
  const main = items.filter((i) => i.index < 1_000_000);
  const metrics: Record<string, MetricValue> = {
    circular_accuracy: pctMetric(c.groupsRight, c.groups),
    vanilla_accuracy: pctMetric(main.filter((i) => i.correct).length, main.length),
  };
  const unscored = records.filter((r) => !r.error && r.scores.correct === undefined).length;
  return {
    n: records.length, errors, ...(c.groups ? { headline: 'circular_accuracy' } : {}), metrics,
    tables: { circular: { perCategory: c.perCategory, perL2: c.perL2 } },
    notes: [
      `${name}: CircularEval ${c.groupsRight}/${c.groups} question(s) right in every rotation; letters read with VLMEvalKit's exact matching (no LLM fallback: answers it cannot read count wrong).`,
      ...(unscored ? [`${unscored} row(s) have no answer in the TSV (test split): write the submission with \`vlmbench score --submission mmbench\`.`] : []),
      ...errorNote(errors, 'their question counts wrong'),
    ],
  };
}

export function mmbenchSuite(lang: 'en' | 'cn'): QualitySuite<MmbenchDoc, MmbenchOptions> {
  const name = lang === 'cn' ? 'mmbench-cn' : 'mmbench';
  return defineSuite<MmbenchDoc, MmbenchOptions>({
    kind: 'quality',
    name,
    description: `${lang === 'cn' ? 'MMBench-CN' : 'MMBench'} dev (model_vqa_mmbench.py prompt: hint, question, options, option-letter suffix${lang === 'cn' ? ' in Chinese' : ''}); CircularEval over every rotation`,
    optionsSchema: MmbenchOptions as z.ZodType<MmbenchOptions>,
    // Every rotation of a question is loaded; the runner's `limit` counts questions through `group`.
    load: (ctx) => loadMmbench(mmbenchFile(ctx.datasetDir, lang, ctx.options.file), lang, ctx.options.rounds),
    // CircularEval scores a question right only if every rotation is: a limit or subset keeps them together.
    group: (doc) => String(mmbenchGroup(doc.index)),
    toRequest: (doc, model, ctx) => imageQuestion({ kind: 'buffer', data: Buffer.from(doc.imageBase64, 'base64'), name: `${doc.index}.jpg` }, doc.prompt, lang === 'cn' ? 'choiceCn' : 'choice', model, ctx),
    score(doc, result) {
      const { meta, reference } = describeMmbench(doc);
      const extracted = mmbenchExtract(result.text, doc.choices);
      const scores: Record<string, number> = doc.answer === undefined ? {} : { correct: extracted === doc.answer ? 1 : 0 };
      return { scores, meta: { ...meta, extracted }, reference };
    },
    describe: describeMmbench,
    aggregate: (records) => aggregateMmbench(records, name),
    metrics: MMBENCH_METRICS,
    // CircularEval: rows sharing index % 1e6 collapse to one item, right only when every rotation is.
    pairing: [
      { metric: 'circular_accuracy', test: 'mcnemar', scores: ['correct'], groupBy: 'group' },
      { metric: 'vanilla_accuracy', test: 'mcnemar', scores: ['correct'], where: { meta: 'main', equals: true } },
    ],
    builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, name),
  });
}
