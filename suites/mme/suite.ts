import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DatasetError } from '../../src/core/errors.ts';
import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import { defineSuite, type HeadlinePairing, type LoadedSample, type MetricSpec, type QualitySuite } from '../../src/core/suite.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { MME_COGNITION, MME_PERCEPTION, MME_SUBTASKS, mmeCorrect, mmeTotals, parseMme, type MmeItem } from '../../src/scoring/mme.ts';
import { checkSampleImages, errorNote, failedSample, imageQuestion, metaOf, pathImage, pctMetric, plainMetric, regressionTag } from '../common/shared.ts';

export interface MmeDoc { subtask: string; imageName: string; image: string; question: string; answer: string; questionId: string }

export const MmeOptions = z.strictObject({});
export type MmeOptions = z.infer<typeof MmeOptions>;

export const MME_METRICS: Record<string, MetricSpec> = {
  perception: { better: 'higher', unit: 'points' },
  cognition: { better: 'higher', unit: 'points' },
  accuracy: { better: 'higher', unit: '%' },
  ...Object.fromEntries(MME_SUBTASKS.map((s) => [s, { better: 'higher', unit: 'points' } satisfies MetricSpec])),
};

const IMAGE_EXT = ['.jpg', '.png', '.jpeg', '.JPG', '.PNG'];

/**
 * MME_Benchmark_release_version/<subtask>/: images with a same-named .txt of "question<TAB>answer" lines,
 * or images/ + questions_answers_YN/ (LLaVA convert_answer_to_mme.py `get_gt` reads both). Subtasks in
 * the official order, files sorted, so each image's two questions stay together.
 */
export async function loadMme(dir: string): Promise<LoadedSample<MmeDoc>[]> {
  const base = existsSync(path.join(dir, 'MME_Benchmark_release_version')) ? path.join(dir, 'MME_Benchmark_release_version') : dir;
  const present = MME_SUBTASKS.filter((s) => existsSync(path.join(base, s)) && statSync(path.join(base, s)).isDirectory());
  if (present.length === 0) throw new DatasetError('not an MME folder: none of the fourteen subtask folders found', { file: base, hint: "point the suite at MME_Benchmark_release_version (or its parent), or use 'dataset: builtin'" });
  const out: LoadedSample<MmeDoc>[] = [];
  for (const subtask of present) {
    const sdir = path.join(base, subtask);
    const split = existsSync(path.join(sdir, 'images'));
    const imgDir = split ? path.join(sdir, 'images') : sdir;
    const qaDir = split ? path.join(sdir, 'questions_answers_YN') : sdir;
    if (!existsSync(qaDir)) { out.push(failedSample(`mme-${subtask}`, new DatasetError(`${subtask}: no questions_answers_YN folder`, { file: sdir }))); continue; }
    for (const txt of readdirSync(qaDir).filter((f) => f.endsWith('.txt')).sort()) {
      const stem = txt.slice(0, -4);
      const file = path.join(qaDir, txt);
      const ext = IMAGE_EXT.find((e) => existsSync(path.join(imgDir, stem + e)));
      const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
      lines.forEach((line, k) => {
        const id = `mme-${subtask}-${stem}-${k}`;
        // get_gt: line.strip().split('\t') must give exactly question and answer.
        const parts = line.trim().split('\t');
        if (parts.length !== 2 || !['yes', 'no'].includes(parts[1]!.toLowerCase())) {
          out.push(failedSample(id, new DatasetError(`line ${k + 1}: expected "question<TAB>Yes|No"`, { file, line: k + 1 })));
          return;
        }
        if (!ext) { out.push(failedSample(id, new DatasetError(`image not found for ${txt}`, { file: path.join(imgDir, stem), field: 'image', hint: 'each .txt needs an image with the same name (.jpg or .png)' }))); return; }
        const imageName = stem + ext;
        out.push({ id, tags: ['mme', subtask, ...regressionTag(`${subtask}/${stem}`)], doc: { subtask, imageName, image: path.join(imgDir, imageName), question: parts[0]!, answer: parts[1]!, questionId: `${subtask}/${imageName}` } });
      });
    }
  }
  return checkSampleImages(out, (d) => d.image);
}

export function describeMme(doc: MmeDoc) {
  return {
    meta: { subtask: doc.subtask, group: (MME_PERCEPTION as readonly string[]).includes(doc.subtask) ? 'Perception' : 'Cognition', image: doc.imageName, questionId: doc.questionId },
    reference: { answer: doc.answer },
    input: { text: doc.question, images: [doc.imageName] },
  };
}

/**
 * calculation.py: per subtask acc×100 + acc+×100, Perception (the LLaVA-1.5 "MME" number) and
 * Cognition sums. A failed generation is scored as an "other" answer (wrong), which keeps its image pair.
 */
export function aggregateMme(records: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const errors = records.filter((r) => r.error).length;
  const items: MmeItem[] = records.flatMap((r) => {
    const m = metaOf<{ subtask: string; image: string; prediction: string }>(r);
    const gt = ((r.reference ?? {}) as { answer?: string }).answer;
    if (!m.subtask || !m.image || gt === undefined) return [];
    return [{ subtask: m.subtask, image: m.image, gt, prediction: r.error ? '' : m.prediction ?? r.output ?? '' }];
  });
  const t = mmeTotals(items);
  const metrics: Record<string, MetricValue> = {
    perception: plainMetric(t.missing.perception.length === MME_PERCEPTION.length ? null : t.perception, items.length, 'higher', 'points'),
    cognition: plainMetric(t.missing.cognition.length === MME_COGNITION.length ? null : t.cognition, items.length, 'higher', 'points'),
    accuracy: pctMetric(items.filter((i) => parseMme(i.prediction) === i.gt.toLowerCase()).length, items.length),
  };
  for (const [name, s] of Object.entries(t.subtasks)) metrics[name] = plainMetric(s.score, s.questions, 'higher', 'points');
  const notes = [
    `MME calculation.py: Perception ${t.perception.toFixed(2)} / ${200 * (MME_PERCEPTION.length - t.missing.perception.length)}, Cognition ${t.cognition.toFixed(2)} / ${200 * (MME_COGNITION.length - t.missing.cognition.length)} (subtask score = acc×100 + acc+×100).`,
    ...(t.missing.perception.length || t.missing.cognition.length ? [`Subtasks not in this run (the published totals need all fourteen): ${[...t.missing.perception, ...t.missing.cognition].join(', ')}.`] : []),
    ...errorNote(errors, 'scored as an "other" answer'),
  ];
  return { n: records.length, errors, headline: 'perception', metrics, notes, tables: { mme: t.subtasks } };
}

export const mmeSuite: QualitySuite<MmeDoc, MmeOptions> = defineSuite<MmeDoc, MmeOptions>({
  kind: 'quality',
  name: 'mme',
  description: 'MME (14 yes/no subtasks), LLaVA short-answer prompt, official calculation.py: acc + acc+ per subtask, Perception and Cognition',
  optionsSchema: MmeOptions as z.ZodType<MmeOptions>,
  async load(ctx) {
    const all = await loadMme(ctx.datasetDir);
    return ctx.limit === undefined ? all : all.slice(0, ctx.limit);
  },
  // llava_mme.jsonl: the MME question (which ends "Please answer yes or no.") plus the short-answer line.
  toRequest: (doc, model, ctx) => imageQuestion(pathImage(doc.image), doc.question, 'short', model, ctx),
  score(doc, result) {
    const { meta, reference } = describeMme(doc);
    return { scores: { correct: mmeCorrect(result.text, doc.answer) }, meta: { ...meta, prediction: result.text, parsed: parseMme(result.text) }, reference };
  },
  describe: describeMme,
  aggregate: (records) => aggregateMme(records),
  metrics: MME_METRICS,
  // Perception/Cognition are sums of per-subtask acc and acc+, not per-sample statistics: compare and gate
  // test them through question accuracy on their subtasks (the drop itself is read from the sum).
  pairing: [
    { metric: 'perception', test: 'mcnemar', scores: ['correct'], where: { meta: 'group', equals: 'Perception' } },
    { metric: 'cognition', test: 'mcnemar', scores: ['correct'], where: { meta: 'group', equals: 'Cognition' } },
    { metric: 'accuracy', test: 'mcnemar', scores: ['correct'] },
  ],
  builtinDataset: (fixturesDir) => ensureRadarSample(fixturesDir, 'mme'),
});
